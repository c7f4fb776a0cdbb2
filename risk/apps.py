from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "AI risk management"
    urls_prefix = "risks/"
    api_routes = "risk.api.routes"

    def ready(self):
        from aims import dashboard, navigation, record_tabs

        from .models import RiskCriteria
        from .reminders import register_sources

        register_sources()
        from .templatetags.risk_tags import risk_panel_context

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
                context=lambda request, system: risk_panel_context(
                    request.user, system
                ),
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

    def load_reference(self, reference: dict) -> int:
        from aims.reference import sync_record

        from .models import AIObjective, RiskSource
        from .services import criteria_current

        annex_c = reference["iso42001_annex_c"]
        changed = 0
        for model, items in (
            (RiskSource, annex_c["risk_sources"]),
            (AIObjective, annex_c["objectives"]),
        ):
            for item in items:
                changed += sync_record(
                    model, {"code": item["id"]}, {"title": item["title"]}
                )[1]
        criteria_current()  # the default criteria on a new portal
        return changed

    def load_demo(self, users: dict) -> int:
        from .demo import load_demo

        return load_demo(users)
