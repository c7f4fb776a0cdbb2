from aims.exports import Column, Exporter


def _applicable(entry) -> str:
    return {True: "Applicable", False: "Excluded", None: "Not decided"}[
        entry.applicable
    ]


def _risks(entry) -> list[str]:
    if not entry.soa.is_draft:
        return entry.risk_snapshot
    return sorted(link.risk.reference for link in entry.control.risk_links.all())


def _evidence(entry) -> list[str]:
    if not entry.soa.is_draft:
        return entry.evidence_snapshot
    return sorted(e.reference for e in entry.control.evidence.all())


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
        Column("Risks", _risks),
        Column("Evidence", _evidence),
    ],
    prepare=lambda rows: rows.prefetch_related(
        "control__risk_links__risk", "control__evidence"
    ),
)
