"""CSV import of AI systems: all rows or none, with a report naming every bad row."""

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from aims.permissions import can

from . import locks
from .exports import CHOICE_FIELDS, COLUMNS
from .forms import AISystemForm
from .models import AIRole, AISystem, DataCategory
from .services import ai_system_save

HEADER_TO_FIELD = {header.lower(): name for header, name in COLUMNS}
FIELD_TO_HEADER = {name: header for header, name in COLUMNS}
REQUIRED_HEADERS = {"name", "intended purpose"}


@dataclass
class RowError:
    row: int  # line number in the file, header = 1
    column: str
    message: str


@dataclass
class ImportResult:
    created: list[AISystem] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    """The file as a whole is unusable (size, encoding, headers)."""


def read_csv(upload) -> list[dict]:
    """Rows of an uploaded CSV as dicts keyed by field name; checks size, type and headers."""
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".csv"):
        raise ImportFileError(
            "Upload a .csv file (export the register as CSV to get the template)."
        )
    if upload.size > settings.AIMS_MAX_IMPORT_BYTES:
        raise ImportFileError(
            f"The file is larger than {settings.AIMS_MAX_IMPORT_BYTES // 1024} KiB."
        )
    raw = upload.read()
    if not raw.strip():
        raise ImportFileError("The file is empty.")
    if b"\x00" in raw:
        raise ImportFileError("This is not a text CSV file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not UTF-8 text; save it as 'CSV UTF-8'."
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _read_rows(reader)
    except csv.Error as exc:
        # The underlying reader knows the line being parsed when the error happens.
        line = reader.reader.line_num
        raise ImportFileError(f"Line {line} is not valid CSV: {exc}.") from None


def _read_rows(reader: csv.DictReader) -> list[dict]:
    headers = [(h or "").strip().lower() for h in reader.fieldnames or []]
    duplicates = sorted({h for h in headers if h and headers.count(h) > 1})
    if duplicates:
        raise ImportFileError("Columns appear more than once: " + ", ".join(duplicates))
    unknown = [h for h in headers if h and h not in HEADER_TO_FIELD]
    if unknown:
        raise ImportFileError("Unknown columns: " + ", ".join(unknown))
    missing = REQUIRED_HEADERS - set(headers)
    if missing:
        raise ImportFileError("Missing columns: " + ", ".join(sorted(missing)))
    rows = []
    for record in reader:
        if len(rows) >= settings.AIMS_MAX_IMPORT_ROWS:
            raise ImportFileError(
                f"More than {settings.AIMS_MAX_IMPORT_ROWS} rows; split the file."
            )
        # Cells beyond the header (key None) or under a blank header would be lost.
        unheaded = [v for k, v in record.items() if not (k or "").strip()]
        if any(
            (v if isinstance(v, str) else "".join(v)).strip() for v in unheaded if v
        ):
            raise ImportFileError(
                f"Line {reader.line_num} has values in a column without a header."
            )
        rows.append(
            {
                HEADER_TO_FIELD[k.strip().lower()]: (v or "").strip()
                for k, v in record.items()
                if k and k.strip()
            }
        )
    if not rows:
        raise ImportFileError("The file has a header but no rows.")
    return rows


class _Lookups:
    """Label and name look-ups loaded once per import (not once per row)."""

    def __init__(self):
        self.users = {
            u.username.lower(): u.pk
            for u in get_user_model().objects.filter(is_active=True)
        }
        self.roles = {r.name.lower(): r.pk for r in AIRole.objects.all()}
        self.roles.update({r.slug: r.pk for r in AIRole.objects.all()})
        self.categories = {c.name.lower(): c.pk for c in DataCategory.objects.all()}
        self.categories.update({c.slug: c.pk for c in DataCategory.objects.all()})
        self.choices = {}
        for name in CHOICE_FIELDS:
            options = {}
            for value, label in AISystem._meta.get_field(name).choices:
                options[str(value).lower()] = value
                options[str(label).lower()] = value
            self.choices[name] = options


def _form_data(row: dict, lookups: _Lookups) -> tuple[dict, list[tuple[str, str]]]:
    data, errors = {}, []
    for name, value in row.items():
        if name == "reference":
            continue
        if name in CHOICE_FIELDS:
            data[name] = (
                lookups.choices[name].get(value.lower(), value) if value else ""
            )
        elif name == "owner":
            data[name] = lookups.users.get(value.lower(), "") if value else ""
            if value and not data[name]:
                errors.append((name, f"No active user with username '{value}'."))
        elif name in ("ai_roles", "data_categories"):
            table = lookups.roles if name == "ai_roles" else lookups.categories
            items = [item.strip() for item in value.split(";") if item.strip()]
            unknown = [item for item in items if item.lower() not in table]
            if unknown:
                errors.append((name, "Unknown: " + ", ".join(unknown)))
            data[name] = [
                table[item.lower()] for item in items if item.lower() in table
            ]
        elif name == "tags":
            data["tags"] = value.replace(";", ",")
        else:
            data[name] = value
    for name in CHOICE_FIELDS | {
        "source",
        "automation_level",
        "criticality",
        "eu_risk_tier",
        "lifecycle_stage",
    }:
        if not data.get(name):
            default = AISystem._meta.get_field(name).default
            data[name] = default if isinstance(default, str) else ""
    return data, errors


def ai_system_import(*, rows: list[dict], actor) -> ImportResult:
    """Create one AI system per row through the same form and service as the page.

    Every row is validated; if any fails, the transaction is rolled back and nothing is
    imported. Errors name the file line and the column.
    """
    result = ImportResult()
    lookups = _Lookups()
    seen_references: dict[str, int] = {}
    with transaction.atomic():
        for index, row in enumerate(rows, start=2):
            data, errors = _form_data(row, lookups)
            reference = row.get("reference", "")
            if reference:
                if reference in seen_references:
                    errors.append(
                        (
                            "reference",
                            f"Same reference as line {seen_references[reference]}.",
                        )
                    )
                seen_references.setdefault(reference, index)
            form = AISystemForm(data=data, user=actor)
            form.instance.reference = reference
            # The form ignores a locked column (the EU AI Act tier follows the
            # classification); say so rather than drop a value someone typed.
            for name, lock in locks.locked().items():
                default = AISystem._meta.get_field(name).get_default()
                if data.get(name) not in ("", None, default):
                    errors.append((name, lock.message))
            if not form.is_valid():
                errors.extend(
                    (name if name != "__all__" else "", message)
                    for name, messages in form.errors.items()
                    for message in messages
                )
            if errors:
                result.errors.extend(_row_errors(index, errors))
                continue
            try:
                with transaction.atomic():
                    system = ai_system_save(
                        system=form.instance, actor=actor, m2m=form.m2m_data()
                    )
                    if not can(actor, "view", system):
                        raise ValidationError(
                            {
                                "owner": "You would not be able to see this system; make yourself the owner."
                            }
                        )
            except ValidationError as exc:
                messages = (
                    exc.message_dict.items()
                    if hasattr(exc, "error_dict")
                    else [("", exc.messages)]
                )
                result.errors.extend(
                    _row_errors(
                        index, [(name, m) for name, msgs in messages for m in msgs]
                    )
                )
                continue
            result.created.append(system)
        if result.errors:
            result.created = []
            transaction.set_rollback(True)
    return result


def _row_errors(line: int, errors) -> list[RowError]:
    return [
        RowError(
            line,
            FIELD_TO_HEADER.get(name, name or "row"),
            message,
        )
        for name, message in errors
    ]
