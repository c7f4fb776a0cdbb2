from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "AI incidents and concerns"
    urls_prefix = "incidents/"
    api_routes = "incidents.api.routes"

    def ready(self):
        from .plugins import register

        register()

    def load_demo(self, users: dict) -> int:
        from .demo import load_demo

        return load_demo(users)
