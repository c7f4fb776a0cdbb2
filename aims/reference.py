"""Reference facts shipped with the portal (ISO/IEC 42001, EU AI Act, NIST AI RMF).

``aims/data/aims-reference.json`` is the project's copy of the shared reference file. Each
app that keeps a library from it defines ``load_reference(reference)`` on its AppConfig;
``manage.py load_reference`` calls them all, idempotently.
"""

import json
from functools import cache

from django.conf import settings

from .models import AimsModel
from .services import object_save


@cache
def reference_data() -> dict:
    with open(settings.AIMS_REFERENCE_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def sync_record(model, lookup: dict, values: dict) -> tuple[object, bool]:
    """Create or update one library row, writing only real changes.

    Governance records go through ``object_save`` (validated, change-logged); plain
    reference rows (crosswalk links, requirements) are saved as they are.
    """
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
    elif all(getattr(instance, name) == value for name, value in values.items()):
        return instance, False
    else:
        for name, value in values.items():
            setattr(instance, name, value)
    if isinstance(instance, AimsModel):
        return object_save(instance=instance, actor=None), True
    instance.save()
    return instance, True
