"""The change log: one append-only, hash-chained table for every governance record."""

import hashlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from ..bundle_verifier import entry_payload

GENESIS_HASH = "0" * 64


class ObjectChangeQuerySet(models.QuerySet):
    def for_object(self, obj):
        """Entries of ``obj`` and of the records that belong to it (its History tab)."""
        content_type = ContentType.objects.get_for_model(obj)
        return self.filter(
            models.Q(content_type=content_type, object_id=str(obj.pk))
            | models.Q(related_content_type=content_type, related_object_id=str(obj.pk))
        )


class ObjectChange(models.Model):
    """What changed, who changed it, when, and under which request.

    Rows are never updated or deleted: there is no path for it in pages, API or admin, and
    on PostgreSQL a trigger refuses UPDATE and DELETE. Each row's ``hash`` covers its
    content and the previous row's hash, so ``manage.py verify_change_log`` finds any row
    altered or removed behind the portal's back.
    """

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        EVENT = "event", "Event"

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    time = models.DateTimeField(db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        editable=False,
    )
    user_name = models.CharField(max_length=150, editable=False)
    request_id = models.CharField(
        max_length=64, blank=True, db_index=True, editable=False
    )
    action = models.CharField(max_length=10, choices=Action, editable=False)
    event = models.CharField(max_length=64, blank=True, editable=False)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", editable=False
    )
    object_id = models.CharField(max_length=64, editable=False)
    changed_object = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(max_length=200, editable=False)
    related_content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    related_object_id = models.CharField(max_length=64, blank=True, editable=False)
    prechange_data = models.JSONField(null=True, blank=True, editable=False)
    postchange_data = models.JSONField(null=True, blank=True, editable=False)
    message = models.TextField(blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = ObjectChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["related_content_type", "related_object_id"]),
            # The filters the log offers, each with ``seq`` so a keyset page (newest
            # first, ``aims.keyset``) is a range scan of the matches alone.
            models.Index(fields=["content_type", "seq"]),
            models.Index(fields=["user", "seq"]),
            models.Index(fields=["action", "seq"]),
            models.Index(fields=["event", "seq"]),
        ]
        verbose_name = "change log entry"
        verbose_name_plural = "change log"

    def __str__(self):
        return f"#{self.seq} {self.get_action_display()} {self.object_repr}"

    # Hash chain

    def hash_payload(self) -> bytes:
        """The canonical bytes the hash covers; stable across SQLite and PostgreSQL."""
        return entry_payload(self.hashed_fields())

    def hashed_fields(self) -> dict:
        """The values the hash covers, JSON-safe (what an export carries to recompute it)."""
        related_type = (
            ContentType.objects.get_for_id(self.related_content_type_id).natural_key()
            if self.related_content_type_id
            else None
        )
        payload = {
            "seq": self.seq,
            "time": self.time.isoformat(timespec="microseconds"),
            "user": self.user_id,
            "user_name": self.user_name,
            "request_id": self.request_id,
            "action": self.action,
            "event": self.event,
            "content_type": list(
                ContentType.objects.get_for_id(self.content_type_id).natural_key()
            ),
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "related_content_type": list(related_type) if related_type else None,
            "related_object_id": self.related_object_id,
            "prechange_data": self.prechange_data,
            "postchange_data": self.postchange_data,
            "message": self.message,
            "prev_hash": self.prev_hash,
        }
        return payload

    def compute_hash(self) -> str:
        return hashlib.sha256(self.hash_payload()).hexdigest()

    # Reading

    def diff(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field whose value differs."""
        before = self.prechange_data or {}
        after = self.postchange_data or {}
        if self.action == self.Action.EVENT:
            return [(key, before.get(key), value) for key, value in after.items()]
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [
            (k, before.get(k), after.get(k))
            for k in keys
            if before.get(k) != after.get(k)
        ]


class ChangeLogCheckpoint(models.Model):
    """A signed statement of how far the change log reached: its last entry's number and
    hash at a time. The scheduled check records one, and keeps a copy outside the
    database (``AIMS_CHANGE_LOG_CHECKPOINT_FILE``) and in the committee's mailboxes, so
    deleting or rewriting the newest entries, or emptying the table, no longer verifies:
    the table must still reach every checkpoint's entry with the same hash. Rows are
    append-only like the change log (same trigger); ``signature`` is the portal's Ed25519
    signature (``aims.signing``) of ``aims.checkpoints.payload()``.
    """

    seq = models.PositiveBigIntegerField(editable=False)
    head_hash = models.CharField(max_length=64, editable=False)
    time = models.DateTimeField(editable=False)
    key_id = models.CharField(max_length=64, editable=False)
    signature = models.CharField(max_length=128, editable=False)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = "change log checkpoint"

    def __str__(self):
        return f"checkpoint #{self.seq} at {self.time:%Y-%m-%d %H:%M:%S} UTC"
