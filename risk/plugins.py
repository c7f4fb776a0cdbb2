"""How the risk app plugs into the portal's registries (called from ``RiskConfig.ready``)."""

from aims import autocomplete, dashboard, navigation, record_tabs
from aims.events import register_events

from .cards import appetite_card
from .models import Risk, RiskCriteria
from .readiness import register_sources as register_readiness
from .reminders import register_sources
from .templatetags.risk_tags import risk_panel_context


def register() -> None:
    register_sources()
    register_readiness()
    register_events(
        {
            "risk.accepted": "Risk accepted",
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
