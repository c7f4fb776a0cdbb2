"""What the change-log pages add to the entries: links to the records the reader may
open, the History tab's filter of records they may not, and the export auditors
recompute the hash chain from."""

import json
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse

from aims.bundle_verifier import entry_payload
from aims.events import event_label
from aims.exports import Column, Exporter
from aims.models import ObjectChange
from aims.permissions import can, visible_to

__all__ = [
    "CHANGE_LOG_EXPORTER",
    "attach_record_links",
    "entries_visible_on_record",
    "record_type_label",
    "what_label",
]


def record_type_label(content_type: ContentType) -> str:
    """ "AI system", not "registry | ai system"."""
    model = content_type.model_class()
    if model is None:
        return content_type.model
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


def what_label(entry: ObjectChange) -> str:
    if entry.event:
        return event_label(entry.event)
    return entry.get_action_display()


def _history_url(model, pk) -> str | None:
    try:
        return reverse(
            f"{model._meta.app_label}:{model._meta.model_name}_history", args=[pk]
        )
    except NoReverseMatch:
        return None


def attach_record_links(entries, user) -> list[ObjectChange]:
    """Set ``record_url``/``history_url`` on each entry whose record still exists and
    ``user`` may open (one query per record type on the page); others get none, so
    nothing links to a page that would refuse."""
    entries = list(entries)
    wanted = defaultdict(set)
    for entry in entries:
        entry.record_url = entry.history_url = None
        entry.record_type = record_type_label(entry.content_type)
        entry.what = what_label(entry)
        if entry.object_id.isdigit():
            wanted[entry.content_type_id].add(int(entry.object_id))
    found = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None or not hasattr(model, "get_absolute_url"):
            continue
        for obj in visible_to(model.objects.filter(pk__in=ids), user, "view"):
            found[(type_id, str(obj.pk))] = obj
    for entry in entries:
        obj = found.get((entry.content_type_id, entry.object_id))
        if obj is not None:
            entry.record_url = obj.get_absolute_url()
            entry.history_url = _history_url(type(obj), obj.pk)
    return entries


def entries_visible_on_record(entries: QuerySet, obj, user) -> QuerySet:
    """A record's History tab lists the changes of records that belong to it (a system's
    risks); leave out those of records ``user`` may not see, so that neither their
    titles nor their values show."""
    own = ContentType.objects.get_for_model(obj)
    child_types = (
        entries.exclude(content_type=own)
        .order_by()
        .values_list("content_type", flat=True)
        .distinct()
    )
    for type_id in list(child_types):
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            entries = entries.exclude(content_type_id=type_id)
            continue
        if can(user, "view", model):
            continue
        visible_ids = (
            visible_to(model.objects.all(), user, "view")
            .annotate(pk_text=Cast("pk", CharField()))
            .values("pk_text")
        )
        entries = entries.exclude(
            Q(content_type_id=type_id) & ~Q(object_id__in=visible_ids)
        )
    return entries


def _payload(entry: ObjectChange) -> str:
    return entry_payload(entry.hashed_fields()).decode()


def _data(value) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True)


# Every hashed value, and the exact bytes the hash covers ("Hashed payload"): an auditor
# checks sha256(payload) == hash, that each payload's prev_hash is the hash of the entry
# before it (by seq), and that the payload says what the other columns say (README).
CHANGE_LOG_EXPORTER = Exporter(
    [
        Column("Entry", lambda e: e.seq),
        Column("When (UTC)", lambda e: e.time.isoformat(timespec="microseconds")),
        Column("User id", lambda e: e.user_id),
        Column("User", lambda e: e.user_name),
        Column("Request", lambda e: e.request_id),
        Column("Action", lambda e: e.action),
        Column("Event", lambda e: e.event),
        Column("What", what_label),
        Column("Record type", lambda e: record_type_label(e.content_type)),
        Column("Record id", lambda e: e.object_id),
        Column("Record", lambda e: e.object_repr),
        Column("Before", lambda e: _data(e.prechange_data)),
        Column("After", lambda e: _data(e.postchange_data)),
        Column("Message", lambda e: e.message),
        Column("Previous hash", lambda e: e.prev_hash),
        Column("Hash", lambda e: e.hash),
        Column("Hashed payload", _payload),
    ],
    prepare=lambda rows: rows.select_related("content_type"),
)
