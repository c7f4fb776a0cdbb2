from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "The management system (clauses 4 to 7)"
    urls_prefix = "management-system/"
    api_routes = "governance.api.routes"

    def ready(self):
        from .plugins import register

        register()

    def load_demo(self, users: dict) -> int:
        from .demo import load_demo

        return load_demo(users)
