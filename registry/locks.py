"""Register fields that another record decides, so nobody types them by hand.

The EU AI Act risk tier of an AI system follows its classification (the impact app),
not a choice in the register's form. The register owns the field and this hook; the
app that decides a field registers a lock from its ``plugins.register()``::

    from registry import locks

    locks.register(locks.FieldLock(
        field="eu_risk_tier",
        message="Set by the EU AI Act classification.",
        link_label="Classify under the EU AI Act",
        url=lambda system: reverse("impact:classify", args=[system.pk]),
    ))

and writes the field inside ``with locks.setting("eu_risk_tier"):``. Everywhere else
the register's form shows the field read-only with the link, and ``ai_system_save``
refuses a different value (a form error, a 400 by field in the API, a CSV import
error by column). The register never imports the app that holds the lock.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.exceptions import ValidationError

__all__ = ["FieldLock", "check", "locked", "register", "setting", "unregister"]


@dataclass(frozen=True)
class FieldLock:
    field: str
    message: str
    link_label: str
    # Where the value is decided, for a saved system (a new one has no page yet).
    url: Callable


_locks: dict[str, FieldLock] = {}
_setting: ContextVar[frozenset] = ContextVar(
    "registry_locks_setting", default=frozenset()
)


def register(lock: FieldLock) -> FieldLock:
    _locks[lock.field] = lock
    return lock


def unregister(field: str) -> None:
    _locks.pop(field, None)


def locked() -> dict[str, FieldLock]:
    """The locked fields, by name."""
    return dict(_locks)


@contextmanager
def setting(*fields: str) -> Iterator[None]:
    """Let the deciding app write ``fields`` within the block."""
    token = _setting.set(_setting.get() | frozenset(fields))
    try:
        yield
    finally:
        _setting.reset(token)


def check(system, stored) -> None:
    """Refuse a locked field that differs from the stored value (from the field's
    default for a new system), unless the deciding app is writing it."""
    allowed = _setting.get()
    errors = {}
    for name, lock in _locks.items():
        if name in allowed:
            continue
        if stored is None:
            baseline = type(system)._meta.get_field(name).get_default()
        else:
            baseline = getattr(stored, name)
        if getattr(system, name) != baseline:
            errors[name] = lock.message
    if errors:
        raise ValidationError(errors)
