"""How the impact app plugs into the portal's registries (called from ``ImpactConfig.ready``)."""

from aims import autocomplete, dashboard, navigation, record_tabs
from aims.events import register_events
from aims.permissions import can

from .models import AssessmentTemplate, Classification, ImpactAssessment

EVENTS = {
    "impacttemplate.published": "Impact assessment template published",
    "impactassessment.started": "Impact assessment started",
    "impactassessment.submitted": "Impact assessment submitted",
    "impactassessment.returned": "Impact assessment returned to draft",
    "impactassessment.approved": "Impact assessment approved",
    "impactassessment.superseded": "Impact assessment superseded",
    "impactassessment.revision_started": "Impact assessment revision started",
    "impact.risk_created": "Risk created from an impact",
    "impact.review_needed": "Review needed after a change",
    "classification.recorded": "EU AI Act classification recorded",
    "classification.overridden": "EU AI Act tier set by hand",
    "fria.notified": "FRIA notified to the authority",
}


def _system_tab(request, system):
    from .selectors import system_overview

    return system_overview(request.user, system)


def _system_panel(request, system):
    """A short summary on the system's Details tab (tier, review, the prohibited alert)."""
    classification = Classification.objects.filter(
        ai_system=system, is_current=True
    ).first()
    approved = (
        ImpactAssessment.objects.filter(ai_system=system, status="approved")
        .only("pk", "reference", "revision", "review_needed", "next_review_date")
        .first()
    )
    return {"system": system, "classification": classification, "approved": approved}


def _risk_panel(request, risk):
    impacts = list(risk.impacts.select_related("assessment"))
    if not impacts:
        return None
    return {"impacts": [i for i in impacts if can(request.user, "view", i.assessment)]}


def _tier_lock():
    from django.urls import reverse

    from registry import locks

    from .services import TIER_FIELD

    locks.register(
        locks.FieldLock(
            field=TIER_FIELD,
            message="Set by the EU AI Act classification (or a justified manual tier "
            "there), never typed in the register.",
            link_label="Classify under the EU AI Act",
            url=lambda system: reverse("impact:classify", args=[system.pk]),
        )
    )


def register() -> None:
    from registry import gates

    from .alerts import prohibited_alerts, prohibited_card, prohibited_gate_problems
    from .cards import card_context
    from .packs import register_pack
    from .readiness import register_sources as register_readiness
    from .reminders import register_sources as register_reminders
    from .review import register_review_input

    register_events(EVENTS)
    _tier_lock()
    register_reminders()
    register_readiness()
    register_review_input()
    register_pack()
    autocomplete.register(autocomplete.owner_lookup(ImpactAssessment))
    autocomplete.register(
        autocomplete.Lookup(
            key="impact.impactassessment",
            queryset=autocomplete.visible(ImpactAssessment),
            search_fields=("reference", "ai_system__name"),
            ordering=("reference", "revision"),
        )
    )
    record_tabs.register_tab(
        "registry.aisystem",
        record_tabs.RecordTab(
            key="impact",
            label="Impact & EU AI Act",
            order=30,
            template="impact/tabs/system.html",
            context=_system_tab,
        ),
    )
    record_tabs.register_panel(
        "registry.aisystem",
        record_tabs.RecordPanel(
            key="impact.summary",
            order=10,
            template="impact/_panel.html",
            context=_system_panel,
        ),
    )
    record_tabs.register_panel(
        "risk.risk",
        record_tabs.RecordPanel(
            key="impact.impacts",
            order=30,
            template="impact/_risk_panel.html",
            context=_risk_panel,
        ),
    )
    # A prohibited practice is shown on every page of the system and of the records
    # about it (header alert), and first on the home page.
    for model in (
        "registry.aisystem",
        "impact.impactassessment",
        "risk.risk",
        "incidents.incident",
    ):
        record_tabs.register_alerts(model, prohibited_alerts)
    gates.register(
        gates.GateCondition(
            key="impact.not_prohibited",
            label="Not a prohibited practice (EU AI Act Art. 5)",
            check=prohibited_gate_problems,
            order=5,
        )
    )
    dashboard.register(
        dashboard.DashboardCard(
            key="impact.prohibited",
            order=1,
            template="impact/cards/prohibited.html",
            context=prohibited_card,
            width="col-12",
        )
    )
    dashboard.register(
        dashboard.DashboardCard(
            key="impact.assessments",
            order=42,
            template="impact/cards/assessments.html",
            context=card_context,
            width="col-md-6 col-xl-4",
        )
    )
    navigation.register(
        navigation.NavSection(
            key="impact",
            label="Impact",
            order=25,
            path_prefix="/impact/",
            links=(
                navigation.NavLink(
                    "Impact assessments",
                    "impact:impactassessment_list",
                ),
                navigation.NavLink(
                    "EU AI Act classifications",
                    "impact:classification_list",
                ),
                navigation.NavLink(
                    "Assessment template",
                    "impact:template_list",
                    visible=navigation.can_view(AssessmentTemplate),
                ),
            ),
        )
    )
