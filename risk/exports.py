from aims.exports import Column, Exporter

risk_exporter = Exporter(
    [
        Column("Reference", lambda r: r.reference),
        Column("Title", lambda r: r.title),
        Column(
            "AI system",
            lambda r, names: names.name(r.ai_system)
            if r.ai_system
            else "Organisation-wide",
            names_records=True,
        ),
        Column("Risk source", lambda r: str(r.risk_source)),
        Column("Consequence", lambda r: r.consequence),
        Column("Affected objectives", lambda r: [str(o) for o in r.objectives.all()]),
        Column("Affected parties", lambda r: r.affected_party_labels()),
        Column("Owner", lambda r: r.owner.username),
        Column("Status", lambda r: r.get_status_display()),
        Column("Criteria version", lambda r: r.criteria.number),
        Column("Inherent likelihood", lambda r: r.inherent_likelihood),
        Column("Inherent impact", lambda r: r.inherent_impact),
        Column("Inherent score", lambda r: r.inherent_score),
        Column("Inherent level", lambda r: r.get_inherent_level_display()),
        Column("Treatment", lambda r: r.get_treatment_display()),
        Column("Treatment rationale", lambda r: r.treatment_rationale),
        Column("Controls", lambda r: [c.control_id for c in r.controls.all()]),
        Column("Residual likelihood", lambda r: r.residual_likelihood),
        Column("Residual impact", lambda r: r.residual_impact),
        Column("Residual score", lambda r: r.residual_score),
        Column("Residual level", lambda r: r.get_residual_level_display()),
        Column(
            "Accepted by", lambda r: r.accepted_by.username if r.accepted_by else ""
        ),
        Column(
            "Accepted at", lambda r: r.accepted_at.isoformat() if r.accepted_at else ""
        ),
        Column("Acceptance rationale", lambda r: r.acceptance_rationale),
        Column("Next review", lambda r: r.next_review_date),
    ],
    prepare=lambda rows: rows.select_related(
        "ai_system", "risk_source", "owner", "criteria", "accepted_by"
    ).prefetch_related("objectives", "controls"),
)
