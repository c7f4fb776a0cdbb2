"""How the incidents app plugs into the portal (called from ``IncidentsConfig.ready``)."""

from aims import autocomplete, dashboard, navigation, record_tabs
from aims.events import register_events
from aims.permissions import can, visible_to

from .models import Concern, Incident, MonitoringPlan
from .reminders import register_sources


def _system_incidents(request, system):
    incidents = visible_to(
        Incident.objects.filter(ai_system=system).select_related("handler"),
        request.user,
    )
    return {"system": system, "incidents": incidents}


def _system_concerns(request, system):
    return {
        "system": system,
        "concerns": visible_to(Concern.objects.filter(ai_system=system), request.user),
    }


def _system_monitoring(request, system):
    from registry.choices import EURiskTier

    from .models import MonitoringPlan
    from .monitoring_views import art_72

    plan = (
        MonitoringPlan.objects.filter(ai_system=system)
        .select_related("responsible")
        .first()
    )
    metrics = (
        list(plan.metrics.with_latest().select_related("responsible")) if plan else []
    )
    return {
        "system": system,
        "plan": plan,
        "metrics": metrics,
        "overdue_count": sum(1 for metric in metrics if metric.is_overdue),
        "high_risk": system.eu_risk_tier == EURiskTier.HIGH_RISK,
        "may_change": can(request.user, "change", system),
        "art_72": art_72(),
    }


def _incident_card(request):
    from .cards import incident_card

    return incident_card(request)


def register() -> None:
    from audit.packs.registry import register as register_pack_kind

    from .packs import IncidentReportPackKind, register_pack_sections
    from .readiness import register as register_readiness

    register_pack_kind(IncidentReportPackKind())
    register_pack_sections()
    register_sources()
    register_readiness()
    register_events(
        {
            "incident.triaged": "Incident triaged",
            "incident.serious_determined": "Serious incident determined",
            "incident.status_changed": "Incident status changed",
            "incident.reported_to_authority": "Incident reported to the authority",
            "incident.closed": "Incident closed",
            "concern.responded": "Concern responded to",
        }
    )
    autocomplete.register(
        autocomplete.Lookup(
            key="incidents.incident",
            queryset=autocomplete.visible(Incident),
            search_fields=("reference", "title"),
            ordering=("-aware_at",),
        )
    )
    autocomplete.register(autocomplete.owner_lookup(Incident))
    record_tabs.register_tab(
        "registry.aisystem",
        record_tabs.RecordTab(
            key="incidents",
            label="Incidents",
            order=60,
            template="incidents/tabs/system_incidents.html",
            context=_system_incidents,
        ),
    )
    record_tabs.register_tab(
        "registry.aisystem",
        record_tabs.RecordTab(
            key="concerns",
            label="Concerns",
            order=61,
            template="incidents/tabs/system_concerns.html",
            context=_system_concerns,
            # Only those who handle concerns: the people a concern is about do not.
            visible=lambda user, system: can(user, "change", Concern),
        ),
    )
    record_tabs.register_tab(
        "registry.aisystem",
        record_tabs.RecordTab(
            key="monitoring",
            label="Monitoring",
            order=62,
            template="incidents/tabs/system_monitoring.html",
            context=_system_monitoring,
        ),
    )
    register_events(
        {"monitoring.threshold_breached": "Monitoring threshold breached"}
    )
    autocomplete.register(
        autocomplete.Lookup(
            key="incidents.monitoringplan",
            queryset=autocomplete.visible(MonitoringPlan),
            search_fields=("ai_system__reference", "ai_system__name"),
            ordering=("ai_system__reference",),
        )
    )
    dashboard.register(
        dashboard.DashboardCard(
            key="incidents.open",
            order=35,
            template="incidents/cards/incidents.html",
            context=_incident_card,
        )
    )
    navigation.register(
        navigation.NavSection(
            key="incidents",
            label="Incidents",
            order=45,
            path_prefix="/incidents/",
            links=(
                navigation.NavLink("Incidents", "incidents:incident_list"),
                navigation.NavLink("Concerns", "incidents:concern_list"),
                navigation.NavLink("Raise a concern", "incidents:concern_add"),
                # Owners list the checks of their own systems here too.
                navigation.NavLink(
                    "Post-market monitoring", "incidents:monitoringmetric_list"
                ),
            ),
        )
    )
