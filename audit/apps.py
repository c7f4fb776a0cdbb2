from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Internal audits and management reviews"
    urls_prefix = "audits/"
    api_routes = "audit.api.routes"

    def ready(self):
        from .plugins import register

        register()

    def load_demo(self, users: dict) -> int:
        from .demo import load_demo

        return load_demo(users)
