"""Builders of management-system records, through the services the portal uses."""

import datetime
import itertools
from decimal import Decimal

from controls.models import Control
from governance.models import (
    Document,
    DocumentVersion,
    Indicator,
    Measurement,
    Objective,
)
from governance.services import (
    document_save,
    document_version_approve,
    document_version_save,
    measurement_save,
    record_save,
)

_counter = itertools.count(1)


def make_document(owner, *, doc_type="policy", controls=(), **fields):
    fields.setdefault("title", f"Document {next(_counter)}")
    document = Document(owner=owner, doc_type=doc_type, **fields)
    return document_save(
        document=document,
        actor=owner,
        m2m={"controls": [Control.objects.get(control_id=c) for c in controls]},
    )


def make_version(document, author, text="# Policy\n\nWe use AI responsibly.", **fields):
    fields.setdefault("change_summary", "First issue.")
    version = DocumentVersion(document=document, text=text, **fields)
    return document_version_save(version=version, actor=author)


def approved_version(document, author, approver, **fields):
    version = make_version(document, author, **fields)
    return document_version_approve(version=version, actor=approver, comment="Fine.")


def make_objective(owner, **fields):
    fields.setdefault("title", f"Objective {next(_counter)}")
    fields.setdefault("target", "Better outcomes.")
    fields.setdefault("due_date", datetime.date.today() + datetime.timedelta(days=365))
    fields.setdefault("evaluation_method", "Quarterly review by the AIMS manager.")
    return record_save(instance=Objective(owner=owner, **fields), actor=owner)


def make_indicator(objective, actor, **fields):
    fields.setdefault("name", f"Indicator {next(_counter)}")
    fields.setdefault("unit", "%")
    fields.setdefault("target", Decimal("90"))
    fields.setdefault("threshold", Decimal("80"))
    return record_save(instance=Indicator(objective=objective, **fields), actor=actor)


def measure(indicator, actor, value, measured_on=None, **fields):
    measurement = Measurement(
        indicator=indicator,
        value=Decimal(str(value)),
        measured_on=measured_on or datetime.date.today(),
        **fields,
    )
    return measurement_save(measurement=measurement, actor=actor)
