"""The abstract base of every governance record, and the reference-number counter."""

import datetime
import decimal
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction


class ChangeLogged:
    """Mixin for models whose every change lands in the change log (``aims.history``).

    ``serialize()`` gives the JSON-safe field values that are diffed and hashed: one value
    per concrete field and per many-to-many field, readable on its own (related objects
    carry their id and their text as it was at the time).
    """

    change_log_exclude: tuple[str, ...] = ()

    def serialize(self) -> dict:
        data = {}
        for field in self._meta.concrete_fields:
            if field.primary_key or field.name in self.change_log_exclude:
                continue
            if field.is_relation:
                related_id = getattr(self, field.attname)
                data[field.name] = (
                    None
                    if related_id is None
                    else {"id": related_id, "repr": str(getattr(self, field.name))}
                )
            else:
                data[field.name] = _json_safe(field.value_from_object(self))
        if self.pk is not None:
            for field in self._meta.many_to_many:
                if field.name in self.change_log_exclude:
                    continue
                data[field.name] = sorted(
                    str(obj) for obj in getattr(self, field.name).all()
                )
        return data

    def change_log_parent(self):
        """The record whose History should also show this change (e.g. a risk's AI system)."""
        return None


def _json_safe(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | float | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or None
    return str(value)


class AimsModel(ChangeLogged, models.Model):
    """Base of governance records: timestamps, creator and an edit version.

    ``version`` grows by one on every saved edit; an edit made from an older version is a
    conflict (``aims.services.object_save``), so nobody silently overwrites a colleague.
    """

    created = models.DateTimeField(auto_now_add=True, editable=False)
    updated = models.DateTimeField(auto_now=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    change_log_exclude = ("created", "updated", "created_by", "version")

    class Meta:
        abstract = True


class ReferenceCounter(models.Model):
    """Hands out human references (AIS-0001, RSK-0001, ...); a number is never reused."""

    MAX_JUMP = 10_000

    prefix = models.CharField(max_length=16, primary_key=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.prefix}: {self.last}"

    @classmethod
    def next_reference(cls, prefix: str, width: int = 4) -> str:
        with transaction.atomic():
            counter, _ = cls.objects.select_for_update().get_or_create(prefix=prefix)
            counter.last += 1
            counter.save(update_fields=["last"])
        return f"{prefix}-{counter.last:0{width}d}"

    @classmethod
    def observe(cls, reference: str) -> None:
        """Make sure a reference given by hand (e.g. an import) is never handed out again.

        A number far beyond the counter is refused: it is almost surely a typo, and it
        would push every later reference out of the valid range.
        """
        prefix, _, number = reference.rpartition("-")
        if not prefix or not number.isdigit():
            return
        with transaction.atomic():
            counter, _ = cls.objects.select_for_update().get_or_create(prefix=prefix)
            if int(number) > counter.last + cls.MAX_JUMP:
                raise ValidationError(
                    {
                        "reference": f"{reference} is more than {cls.MAX_JUMP} above the "
                        f"last reference handed out ({prefix}-{counter.last:04d})."
                    }
                )
            if counter.last < int(number):
                counter.last = int(number)
                counter.save(update_fields=["last"])
