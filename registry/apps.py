from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "AI system register"
    urls_prefix = "register/"
    api_routes = "registry.api.routes"

    def ready(self):
        from .plugins import register

        register()

    def load_reference(self, reference: dict) -> int:
        from .reference import load_reference

        return load_reference(reference)

    def load_demo(self, users: dict) -> int:
        from .demo import load_demo

        return load_demo(users)
