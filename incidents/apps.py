from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "AI incidents and concerns"
    urls_prefix = "incidents/"
    api_routes = "incidents.api.routes"

    def ready(self):
        from .plugins import register

        register()
