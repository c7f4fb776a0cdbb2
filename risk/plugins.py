"""How the risk app plugs into the portal's registries (called from ``RiskConfig.ready``)."""

from aims import autocomplete, dashboard, navigation, record_tabs
from aims.events import register_events

from .cards import appetite_card
from .models import Risk, RiskCriteria
from .readiness import register_sources as register_readiness
from .reminders import register_sources
from .templatetags.risk_tags import risk_panel_context


def acceptance_requests_card(request) -> dict | None:
    """The committee's queue of acceptance requests (nothing shown when it is empty)."""
    from aims.permissions import can

    if not can(request.user, "accept_above_appetite", Risk):
        return None
    pending = Risk.objects.filter(acceptance_requested_at__isnull=False)
    rows = list(
        pending.select_related("acceptance_requested_by").order_by(
            "acceptance_requested_at"
        )[:5]
    )
    if not rows:
        return None
    return {"acceptance_requests": rows, "acceptance_count": pending.count()}


def _register_exports() -> None:
    from aims import exports

    from . import views
    from .exports import risk_exporter

    exports.register_list(
        exports.ExportList(
            key="risks",
            title="Risk register",
            exporter=risk_exporter,
            rows=views.RiskListView.export_rows,
            page_url=exports.list_page("risk:risk_list"),
        )
    )


def register() -> None:
    _register_exports()
    from .sanity import risk_checks, system_checks

    record_tabs.register_check("risk.risk", risk_checks)
    record_tabs.register_check("registry.aisystem", system_checks)
    register_sources()
    register_readiness()
    register_events(
        {
            "risk.accepted": "Risk accepted",
            "risk.acceptance_requested": "Risk acceptance requested",
            "risk.acceptance_rejected": "Risk acceptance rejected",
            "risk.acceptance_withdrawn": "Risk acceptance withdrawn",
            "risk.reviewed": "Risk reviewed",
            "risk.status_changed": "Risk status changed",
            "riskcriteria.published": "Risk criteria published",
        }
    )
    autocomplete.register(
        autocomplete.Lookup(
            key="risk.risk",
            queryset=autocomplete.visible(Risk),
            search_fields=("reference", "title"),
            ordering=("reference",),
        )
    )
    autocomplete.register(autocomplete.owner_lookup(Risk))
    dashboard.register(
        dashboard.DashboardCard(
            key="risk.appetite",
            order=8,
            template="risk/cards/appetite.html",
            context=appetite_card,
        )
    )
    dashboard.register(
        dashboard.DashboardCard(
            key="risk.heat_maps",
            order=20,
            template="risk/_risk_panel.html",
            context=lambda request: risk_panel_context(request.user),
            width="col-12",
        )
    )
    dashboard.register(
        dashboard.DashboardCard(
            key="risk.acceptance_requests",
            order=5,
            template="risk/cards/acceptance_requests.html",
            context=acceptance_requests_card,
        )
    )
    record_tabs.register_panel(
        "registry.aisystem",
        record_tabs.RecordPanel(
            key="risk.risks",
            order=20,
            template="risk/_risk_panel.html",
            context=lambda request, system: risk_panel_context(request.user, system),
        ),
    )
    navigation.register(
        navigation.NavSection(
            key="risk",
            label="Risks",
            order=20,
            path_prefix="/risks/",
            links=(
                navigation.NavLink("Risk register", "risk:risk_list"),
                navigation.NavLink(
                    "Risk criteria",
                    "risk:riskcriteria_list",
                    visible=navigation.can_view(RiskCriteria),
                ),
            ),
        )
    )
