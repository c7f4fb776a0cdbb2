from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "impact"
    verbose_name = "AI system impact assessment"
    urls_prefix = "impact/"
    api_routes = "impact.api.routes"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the reassessment receiver)
        from .plugins import register

        register()

    def load_reference(self, reference: dict) -> int:
        from .services import template_current

        # The packaged questionnaire becomes version 1 on a new portal.
        existed = bool(self.get_model("AssessmentTemplate").objects.exists())
        template_current()
        return 0 if existed else 1

    def load_demo(self, users: dict) -> int:
        from .demo import load_demo

        return load_demo(users)
