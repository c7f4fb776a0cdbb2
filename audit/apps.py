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
        from .demo_audits import load_demo as load_audit_demo

        # The audit programme and review first: the demo bundle may then cite them.
        return load_audit_demo(users) + load_demo(users)
