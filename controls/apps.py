from django.apps import AppConfig


class ControlsConfig(AppConfig):
    name = "controls"
    verbose_name = "Annex A controls and Statement of Applicability"

    def ready(self):
        from .reminders import register_sources

        register_sources()

    def load_reference(self, reference: dict) -> int:
        from .library import load_library
        from .services import soa_current

        changed = load_library(reference)
        soa_current()  # a new portal starts with draft 1, one row per control
        return changed

    def load_demo(self, users: dict) -> int:
        from .demo import load_demo

        return load_demo(users)
