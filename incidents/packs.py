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
