"""Turn model field values into the text a person reads, for detail pages and history."""

from dataclasses import dataclass

from django.db import models
from django.utils.formats import date_format


@dataclass
class FieldRow:
    label: str
    value: object
    url: str = ""
    is_list: bool = False
    is_long: bool = False


def field_row(obj: models.Model, name: str) -> FieldRow:
    field = obj._meta.get_field(name)
    label = str(field.verbose_name)
    label = label[0].upper() + label[1:]
    if field.many_to_many:
        return FieldRow(
            label, [str(item) for item in getattr(obj, name).all()], is_list=True
        )
    value = getattr(obj, name)
    if isinstance(field, models.JSONField) and isinstance(value, list):
        # A model may name the items of a list of codes (``<field>_labels``).
        value = getattr(obj, f"{name}_labels", value)
        return FieldRow(label, [str(item) for item in value], is_list=True)
    if field.choices:
        value = getattr(obj, f"get_{name}_display")()
    elif isinstance(field, models.ForeignKey):
        url = (
            value.get_absolute_url()
            if value is not None and hasattr(value, "get_absolute_url")
            else ""
        )
        return FieldRow(label, value, url=url)
    elif isinstance(field, models.DateTimeField) and value:
        value = date_format(value, "DATETIME_FORMAT")
    elif isinstance(field, models.BooleanField):
        value = "Yes" if value else "No"
    return FieldRow(label, value, is_long=isinstance(field, models.TextField))


def fieldset_rows(obj, fieldsets) -> list[tuple[str, list[FieldRow]]]:
    return [
        (title, [field_row(obj, name) for name in names]) for title, names in fieldsets
    ]


def history_value(model, name: str, value) -> str:
    """A change-log value as text: choice labels, related object names, lists."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, dict) and "repr" in value:
        return str(value["repr"])
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    try:
        field = model._meta.get_field(name) if model is not None else None
    except Exception:  # noqa: BLE001 - a field removed since the change was logged
        field = None
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def history_label(model, name: str) -> str:
    try:
        label = str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001
        label = name.replace("_", " ")
    return label[0].upper() + label[1:]
