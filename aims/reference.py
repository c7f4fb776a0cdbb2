"""Reference facts shipped with the portal (ISO/IEC 42001, EU AI Act, NIST AI RMF).

``aims/data/aims-reference.json`` is the project's copy of the shared reference file. Each
app that keeps a library from it defines ``load_reference(reference)`` on its AppConfig;
``manage.py load_reference`` calls them all, idempotently.
"""

import json
from functools import cache

from django.conf import settings

from .services import object_save


@cache
def reference_data() -> dict:
    with open(settings.AIMS_REFERENCE_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def sync_record(model, lookup: dict, values: dict) -> tuple[object, bool]:
    """Create or update one library row, writing (and change-logging) only real changes."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return object_save(instance=model(**lookup, **values), actor=None), True
    if all(getattr(instance, name) == value for name, value in values.items()):
        return instance, False
    for name, value in values.items():
        setattr(instance, name, value)
    return object_save(instance=instance, actor=None), True
