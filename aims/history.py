"""Writes the change log for every ``ChangeLogged`` model, whatever path changed it.

One set of signal receivers (infrastructure, not business logic) records creates,
updates, deletes and many-to-many changes. Inside ``change_scope()`` (used by the generic
views, the API and services) the changes of one operation are gathered and written as one
entry per object just before the scope ends, still inside the caller's transaction; outside
a scope (admin, shell) each signal writes at once. Services add named events with
``record_event()`` ("AI system owner changed", "risk accepted"); an event about a record
the same operation changed is written into that change's entry, so one act (accepting a
risk) is one entry that says both what happened and which fields it changed.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver
from django.utils import timezone

from .context import Actor, current_actor, current_request_id
from .models import ObjectChange
from .models.base import ChangeLogged
from .models.change_log import GENESIS_HASH

__all__ = ["after_changes", "change_scope", "record_change", "record_event"]

# An arbitrary constant: the PostgreSQL advisory lock that serialises chain appends.
_CHAIN_LOCK_ID = 42001


@dataclass
class _Pending:
    instance: ChangeLogged
    action: str
    before: dict | None
    # Who made the change and under which request, captured when it happened.
    actor: Actor = field(default_factory=current_actor)
    request_id: str = field(default_factory=current_request_id)
    # The named event (record_event) that explains this change, if any.
    event: str = ""
    message: str = ""
    event_data: dict = field(default_factory=dict)


_scope: ContextVar[dict | None] = ContextVar("aims_change_scope", default=None)
# Callbacks to run once the current scope has written its entries (see after_changes).
_AFTER = "__after__"


@contextmanager
def change_scope():
    """Gather the changes made inside into one entry per object; nested scopes join the outer."""
    if _scope.get() is not None:
        yield
        return
    pending: dict = {}
    token = _scope.set(pending)
    try:
        with transaction.atomic():
            yield
            _scope.reset(token)
            token = None
            if not transaction.get_rollback():
                callbacks = pending.pop(_AFTER, [])
                entries = [
                    entry
                    for item in pending.values()
                    if (entry := _write_pending(item)) is not None
                ]
                for callback in callbacks:
                    callback(entries)
    finally:
        if token is not None:
            _scope.reset(token)


def after_changes(callback) -> None:
    """Run ``callback(entries)`` once the current operation's change-log entries are
    written (still inside its transaction), e.g. to react to a change with the entry that
    recorded it. Outside a change scope it runs at once, with no entries."""
    pending = _scope.get()
    if pending is None:
        callback([])
        return
    pending.setdefault(_AFTER, []).append(callback)


def _write_pending(item: _Pending) -> ObjectChange | None:
    after = item.instance.serialize()
    if item.action == ObjectChange.Action.UPDATE and after == item.before:
        if not item.event:
            return None
        # The event changed no field: it is an entry of its own.
        return record_change(
            item.instance,
            ObjectChange.Action.EVENT,
            after=item.event_data,
            event=item.event,
            message=item.message,
            actor=item.actor,
            request_id=item.request_id,
        )
    # What the event adds beyond the record's fields (a rationale, the appetite at the
    # time) is kept next to them; the fields' own values come from the record.
    extra = {key: value for key, value in item.event_data.items() if key not in after}
    return record_change(
        item.instance,
        item.action,
        before=item.before,
        after={**after, **extra},
        event=item.event,
        message=item.message,
        actor=item.actor,
        request_id=item.request_id,
    )


def _key(instance) -> tuple:
    return (type(instance)._meta.label_lower, instance.pk)


def _db_snapshot(instance) -> dict | None:
    stored = type(instance)._base_manager.filter(pk=instance.pk).first()
    return stored.serialize() if stored is not None else None


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])


def record_change(
    instance,
    action: str,
    *,
    before: dict | None = None,
    after: dict | None = None,
    event: str = "",
    message: str = "",
    actor: Actor | None = None,
    request_id: str | None = None,
) -> ObjectChange:
    """Append one entry to the chain. Must run in the transaction that made the change."""
    actor = actor or current_actor()
    parent = instance.change_log_parent()
    with transaction.atomic():
        _lock_chain()
        head = ObjectChange.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        entry = ObjectChange(
            seq=seq,
            time=timezone.now(),
            user=actor.user,
            user_name=actor.name[:150],
            request_id=current_request_id() if request_id is None else request_id,
            action=action,
            event=event,
            content_type=ContentType.objects.get_for_model(
                instance, for_concrete_model=True
            ),
            object_id=str(instance.pk),
            object_repr=str(instance)[:200],
            related_content_type=(
                ContentType.objects.get_for_model(parent)
                if parent is not None
                else None
            ),
            related_object_id=str(parent.pk) if parent is not None else "",
            prechange_data=before,
            postchange_data=after,
            message=message,
            prev_hash=prev_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
    return entry


def record_event(
    instance, event: str, message: str, data: dict | None = None
) -> ObjectChange | None:
    """Record a named domain event (why something changed), e.g. ``aisystem.owner_changed``.

    Inside a change scope that has changed ``instance``, the event is written into that
    change's entry when the scope ends (and ``None`` is returned); otherwise, or when the
    change already carries an event, it is an entry of its own, written at once.
    """
    pending = _scope.get()
    item = pending.get(_key(instance)) if pending is not None else None
    if item is not None and not item.event and item.action != ObjectChange.Action.DELETE:
        item.event, item.message, item.event_data = event, message, dict(data or {})
        return None
    return record_change(
        instance,
        ObjectChange.Action.EVENT,
        after=data or {},
        event=event,
        message=message,
    )


# Signal receivers


def _logged(model) -> bool:
    return issubclass(model, ChangeLogged)


def _remember_stored_state(instance) -> None:
    """Keep the stored state of ``instance`` before its first change in this operation."""
    pending = _scope.get()
    if pending is not None:
        if _key(instance) not in pending:
            pending[_key(instance)] = _Pending(
                instance, ObjectChange.Action.UPDATE, _db_snapshot(instance)
            )
    elif "_change_log_before" not in instance.__dict__:
        instance._change_log_before = _db_snapshot(instance)


@receiver(pre_save, dispatch_uid="aims_history_pre_save")
def _remember_before_save(sender, instance, raw=False, **kwargs):
    if raw or not _logged(sender) or instance._state.adding or instance.pk is None:
        return
    _remember_stored_state(instance)


@receiver(post_save, dispatch_uid="aims_history_post_save")
def _record_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _logged(sender):
        return
    pending = _scope.get()
    if pending is not None:
        if created:
            pending[_key(instance)] = _Pending(
                instance, ObjectChange.Action.CREATE, None
            )
        else:
            pending[_key(instance)].instance = instance
        return
    if created:
        record_change(instance, ObjectChange.Action.CREATE, after=instance.serialize())
        return
    before = instance.__dict__.pop("_change_log_before", None)
    after = instance.serialize()
    if before != after:
        record_change(instance, ObjectChange.Action.UPDATE, before=before, after=after)


@receiver(m2m_changed, dispatch_uid="aims_history_m2m")
def _record_m2m(sender, instance, action, reverse, **kwargs):
    if reverse or not _logged(type(instance)) or instance.pk is None:
        return
    if action.startswith("pre_"):
        _remember_stored_state(instance)
        return
    if _scope.get() is not None:
        return
    before = instance.__dict__.pop("_change_log_before", None)
    after = instance.serialize()
    if before != after:
        record_change(instance, ObjectChange.Action.UPDATE, before=before, after=after)


@receiver(pre_delete, dispatch_uid="aims_history_pre_delete")
def _remember_before_delete(sender, instance, **kwargs):
    if _logged(sender):
        instance._change_log_deleted = instance.serialize()


@receiver(post_delete, dispatch_uid="aims_history_post_delete")
def _record_delete(sender, instance, **kwargs):
    if not _logged(sender):
        return
    pending = _scope.get()
    if pending is not None and _key(instance) in pending:
        item = pending.pop(_key(instance))
        if item.action == ObjectChange.Action.CREATE or item.before is not None:
            record_change(
                instance,
                item.action,
                before=item.before,
                after=instance._change_log_deleted,
            )
    record_change(
        instance,
        ObjectChange.Action.DELETE,
        before=instance.__dict__.pop("_change_log_deleted", None),
    )
