from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "AI system register"

    def ready(self):
        from .reminders import register_sources

        register_sources()

    def load_reference(self, reference: dict) -> int:
        from .reference import load_reference

        return load_reference(reference)

    def load_demo(self, users: dict) -> int:
        from .demo import load_demo

        return load_demo(users)
