"""Spreadsheet columns of the SoA and the evidence register."""

from aims.exports import Column, Exporter
from risk.models import Risk

from .models import Evidence


def _applicable(entry) -> str:
    return {True: "Applicable", False: "Excluded", None: "Not decided"}[
        entry.applicable
    ]


# Risks and evidence are named only where the reader may see them (the SoA page counts
# the same way): a reference is a disclosure too.


def _risks(entry, reader) -> list[str]:
    if not entry.soa.is_draft:
        return reader.references(Risk, entry.risk_snapshot)
    risks = sorted(
        (link.risk for link in entry.control.risk_links.all()),
        key=lambda risk: risk.reference,
    )
    return reader.names(risks, text=lambda risk: risk.reference)


def _evidence(entry, reader) -> list[str]:
    if not entry.soa.is_draft:
        return reader.references(Evidence, entry.evidence_snapshot)
    items = sorted(entry.control.evidence.all(), key=lambda item: item.reference)
    return reader.names(items, text=lambda item: item.reference)


def _references(items, reader) -> list[str]:
    items = sorted(items, key=lambda item: item.reference)
    return reader.names(items, text=lambda item: item.reference)


soa_exporter = Exporter(
    [
        Column("SoA version", lambda e: e.soa.number),
        Column("SoA status", lambda e: e.soa.get_status_display()),
        Column("Domain", lambda e: str(e.control.domain)),
        Column("Control ID", lambda e: e.control.control_id),
        Column("Control", lambda e: e.control.title),
        Column("Source", lambda e: e.control.get_source_display()),
        Column("Applicability", _applicable),
        Column("Justification", lambda e: e.justification),
        Column(
            "Implementation status", lambda e: e.get_implementation_status_display()
        ),
        Column("Owner", lambda e: e.owner.username if e.owner else ""),
        Column("Implementation", lambda e: e.implementation_description),
        Column("Target date", lambda e: e.target_date),
        Column("Test frequency (days)", lambda e: e.test_frequency),
        Column("Last check", lambda e: e.last_checked_on),
        Column("Last check result", lambda e: e.last_check_result or ""),
        Column("Risks", _risks, per_reader=True),
        Column("Evidence", _evidence, per_reader=True),
    ],
    prepare=lambda rows: rows.prefetch_related(
        "control__risk_links__risk", "control__evidence"
    ),
)


evidence_exporter = Exporter(
    [
        Column("Reference", lambda e: e.reference),
        Column("Title", lambda e: e.title),
        Column("Kind", lambda e: e.get_kind_display()),
        Column("Collected", lambda e: e.collected_on),
        Column("Valid until", lambda e: e.valid_until),
        Column("Owner", lambda e: e.owner.username),
        Column("Restricted", lambda e: e.restricted),
        Column("Controls", lambda e: sorted(c.control_id for c in e.controls.all())),
        Column(
            "Risks",
            lambda e, reader: _references(e.risks.all(), reader),
            per_reader=True,
        ),
        Column(
            "AI systems",
            lambda e, reader: reader.names(e.ai_systems.all()),
            per_reader=True,
        ),
        Column("Files", lambda e: len(e.files.all())),
    ],
    prepare=lambda rows: rows.select_related("owner").prefetch_related(
        "controls", "risks", "ai_systems", "files"
    ),
)
