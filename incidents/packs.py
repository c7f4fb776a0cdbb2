"""The incident report pack: one serious incident, its Art. 73 deadline, the report sent
to the market surveillance authority, the timeline and the change history (PDF)."""

from django.db.models import Q

from aims.models import ObjectChange
from aims.views.display import fieldset_rows
from audit.packs.registry import PackContent, PackKind, RecordRef, Section

from .models import Incident, TimelineEntry

FIELDSETS = [
    (
        "What happened",
        ["reference", "ai_system", "title", "description", "severity", "status"],
    ),
    ("Who was affected", ["affected_persons", "harm"]),
    ("Handling", ["handler", "reported_by"]),
    (
        "Investigation and closure",
        ["root_cause", "corrective_actions", "closure_summary"],
    ),
]


class IncidentReportPackKind(PackKind):
    key = "incident_report"
    title = "Incident report pack"
    description = (
        "One serious incident: what happened, the serious-incident determination, the "
        "Art. 73 reporting deadline and the reports sent, the timeline and its history."
    )
    target_model = Incident
    target_label = "Serious incident"
    requires = ((ObjectChange, "view"),)
    sections = (
        Section("incident", "Incident", "incidents/packs/incident.html"),
        Section(
            "deadline",
            "Reporting deadline and reports",
            "incidents/packs/deadline.html",
        ),
        Section("timeline", "Timeline", "incidents/packs/timeline.html"),
        Section("history", "Change history", "incidents/packs/history.html"),
    )

    def targets(self, user):
        return super().targets(user).filter(is_serious=True)

    def build(self, pack, target: Incident, parameters: dict) -> PackContent:
        from django.contrib.contenttypes.models import ContentType

        incident = Incident.objects.select_related(
            "ai_system", "handler", "reported_by", "triaged_by"
        ).get(pk=target.pk)
        timeline = list(incident.timeline.select_related("created_by"))
        incident_type = ContentType.objects.get_for_model(Incident)
        entry_type = ContentType.objects.get_for_model(TimelineEntry)
        history = (
            ObjectChange.objects.filter(
                Q(content_type=incident_type, object_id=str(incident.pk))
                | Q(
                    related_content_type=incident_type,
                    related_object_id=str(incident.pk),
                )
                | Q(
                    content_type=entry_type, object_id__in=[str(e.pk) for e in timeline]
                )
            )
            .select_related("content_type")
            .order_by("seq")
        )
        return PackContent(
            context={
                "incident": incident,
                "rows": fieldset_rows(incident, FIELDSETS),
                "timeline": timeline,
                "reports": [e for e in timeline if e.kind == "authority_report"],
                "history": history,
            },
            records=[RecordRef(str(incident), incident.version)]
            + [RecordRef(str(entry), entry.version) for entry in timeline],
        )


# Sections of the AI system pack: the system's incidents (A.8.4; Art. 73) and its
# post-market monitoring (Art. 72). The requester reads only what they may see.


def build_system_incidents(pack, system, parameters) -> PackContent:
    from aims.permissions import visible_to

    from .models import MonitoringPlan, MonitoringResult
    from .monitoring_views import art_72

    user = pack.requested_by
    incidents = list(
        visible_to(Incident.objects.filter(ai_system=system), user)
        .select_related("handler")
        .order_by("aware_at", "pk")
    )
    hidden = Incident.objects.filter(ai_system=system).count() - len(incidents)
    plan = (
        visible_to(MonitoringPlan.objects.filter(ai_system=system), user)
        .select_related("responsible")
        .first()
    )
    metrics = (
        list(plan.metrics.with_latest().select_related("responsible")) if plan else []
    )
    breaches = (
        list(
            visible_to(
                MonitoringResult.objects.filter(metric__plan=plan, breached=True),
                user,
            )
            .select_related("metric", "incident")
            .order_by("measured_on", "pk")
        )
        if plan
        else []
    )
    visible_incidents = {incident.pk for incident in incidents}
    return PackContent(
        context={
            "system_incidents": incidents,
            "hidden_incidents": hidden,
            "monitoring": {
                "plan": plan,
                "metrics": metrics,
                "breaches": breaches,
                "visible_incidents": visible_incidents,
                "art_72": art_72(),
                "high_risk": system.eu_risk_tier == "high_risk",
            },
        },
        records=[RecordRef(str(incident), incident.version) for incident in incidents]
        + ([RecordRef(str(plan), plan.version)] if plan else [])
        + [RecordRef(str(metric), metric.version) for metric in metrics],
    )


def _no_context(pack, system, parameters) -> PackContent:
    return PackContent(context={})


def register_pack_sections() -> None:
    from audit.packs.registry import PackExtension, extend

    extend(
        "ai_system",
        PackExtension(
            Section(
                "incidents",
                "Incidents (A.8.4; EU AI Act Art. 73)",
                "incidents/packs/system_incidents.html",
            ),
            build=build_system_incidents,
            after="lifecycle",
        ),
    )
    extend(
        "ai_system",
        PackExtension(
            Section(
                "monitoring",
                "Post-market monitoring (EU AI Act Art. 72)",
                "incidents/packs/system_monitoring.html",
            ),
            build=_no_context,
            after="incidents",
        ),
    )
