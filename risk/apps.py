from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "AI risk management"
    urls_prefix = "risks/"
    api_routes = "risk.api.routes"

    def ready(self):
        from .plugins import register

        register()

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
