"""The AI system pack: one system's register entry, risks, treatments and change history.

Evidence for ISO/IEC 42001 A.4 (resources), A.6.2 (AI system life cycle), 6.1.2 / 6.1.3
and 8.2 / 8.3 (risk assessment and treatment), and 7.5 (documented information: the
change history and the chain head that lets an auditor check nothing changed since).
"""

import datetime

from django import forms
from django.db.models import Prefetch, Q

from aims.models import ObjectChange
from aims.views.display import fieldset_rows
from controls.packs import system_controls_and_evidence
from registry.layout import FIELDSETS
from registry.models import AISystem
from risk.heatmap import heat_maps
from risk.models import Risk, TreatmentAction
from risk.services import criteria_current

from ..registry import PackContent, PackKind, RecordRef, Section

__all__ = ["AISystemPackKind"]

# The risk fields printed per risk, grouped as on the risk page.
RISK_FIELDSETS = [
    (
        "Risk",
        [
            "reference",
            "title",
            "description",
            "risk_source",
            "cause",
            "consequence",
            "objectives",
            "owner",
            "status",
        ],
    ),
    ("Treatment", ["treatment", "treatment_rationale"]),
    ("Review", ["review_frequency", "next_review_date", "criteria"]),
]


class AISystemPackParameters(forms.Form):
    history_since = forms.DateField(
        required=False,
        label="Change history from",
        help_text="Leave empty for the whole history (UTC date, e.g. 2026-01-01).",
    )


class AISystemPackKind(PackKind):
    key = "ai_system"
    title = "AI system pack"
    description = (
        "One AI system: its register entry, its risks with inherent and residual heat "
        "maps, treatments, Annex A controls and actions, and the change history."
    )
    target_model = AISystem
    target_label = "AI system"
    # The pack prints the change history: only people who may read the change log.
    requires = ((ObjectChange, "view"),)
    parameters_form = AISystemPackParameters
    sections = (
        Section("register", "Register entry", "audit/packs/ai_system/register.html"),
        Section("risks", "Risks and treatment", "audit/packs/ai_system/risks.html"),
        Section(
            "controls",
            "Controls and evidence index",
            "audit/packs/ai_system/controls.html",
        ),
        Section("history", "Change history", "audit/packs/ai_system/history.html"),
    )

    def build(self, pack, target: AISystem, parameters: dict) -> PackContent:
        system = (
            AISystem.objects.select_related("owner", "created_by")
            .prefetch_related("ai_roles", "data_categories", "tags")
            .get(pk=target.pk)
        )
        risk_rows = Risk.objects.filter(ai_system=system)
        risks = list(
            risk_rows.select_related(
                "owner", "criteria", "risk_source", "accepted_by"
            ).prefetch_related(
                "objectives",
                "controls__control",
                Prefetch(
                    "actions",
                    queryset=TreatmentAction.objects.select_related("owner"),
                ),
            )
        )
        maps = heat_maps(risk_rows, criteria_current())
        for heat_map in maps:
            for cell in heat_map["cells"]:
                cell.url = "#risks"  # inside the PDF, a cell leads to the risk list
        since = parameters.get("history_since")
        controls, manifest = system_controls_and_evidence(system, risks)
        return PackContent(
            context={
                "system": system,
                "register_rows": fieldset_rows(system, FIELDSETS),
                "risks": [
                    {
                        "risk": risk,
                        "rows": fieldset_rows(risk, RISK_FIELDSETS),
                        "controls": [c.control_id for c in risk.controls.all()],
                        "actions": list(risk.actions.all()),
                    }
                    for risk in risks
                ],
                "heat_maps": maps,
                "history": self.history(system, risks, since, pack.requested_by),
                "history_since": since,
                "controls": controls,
            },
            evidence=manifest,
            records=[RecordRef(str(system), system.version)]
            + [RecordRef(str(risk), risk.version) for risk in risks],
        )

    @staticmethod
    def history(system, risks, since: str | None, reader=None):
        """Change-log entries of the system, its risks and their treatment actions,
        oldest first; as on the system's History tab, those of linked records the
        reader may not see are left out."""
        from django.contrib.contenttypes.models import ContentType

        from aims.views.change_log import entries_visible_on_record

        system_type = ContentType.objects.get_for_model(AISystem)
        risk_type = ContentType.objects.get_for_model(Risk)
        risk_ids = [str(risk.pk) for risk in risks]
        entries = ObjectChange.objects.filter(
            Q(content_type=system_type, object_id=str(system.pk))
            | Q(related_content_type=system_type, related_object_id=str(system.pk))
            | Q(content_type=risk_type, object_id__in=risk_ids)
            | Q(related_content_type=risk_type, related_object_id__in=risk_ids)
        )
        if since:
            start = datetime.datetime.combine(
                datetime.date.fromisoformat(since),
                datetime.time.min,
                tzinfo=datetime.UTC,
            )
            entries = entries.filter(time__gte=start)
        entries = entries_visible_on_record(entries, system, reader)
        return entries.select_related("content_type").order_by("seq")
