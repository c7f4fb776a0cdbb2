from aims.exports import Column, Exporter


def _applicable(entry) -> str:
    return {True: "Applicable", False: "Excluded", None: "Not decided"}[
        entry.applicable
    ]


def _risks(entry, names) -> list[str]:
    # Only the risks the reader may see, as the SoA page counts them; an approved
    # version's frozen list is filtered the same way.
    from risk.models import Risk

    if not entry.soa.is_draft:
        return names.references(Risk, entry.risk_snapshot)
    return sorted(
        names.names(
            (link.risk for link in entry.control.risk_links.all()),
            text=lambda risk: risk.reference,
        )
    )


def _evidence(entry, names) -> list[str]:
    from .models import Evidence

    if not entry.soa.is_draft:
        return names.references(Evidence, entry.evidence_snapshot)
    return sorted(
        names.names(entry.control.evidence.all(), text=lambda e: e.reference)
    )


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
        Column("Risks", _risks, names_records=True),
        Column("Evidence", _evidence, names_records=True),
    ],
    prepare=lambda rows: rows.prefetch_related(
        "control__risk_links__risk", "control__evidence"
    ),
)
