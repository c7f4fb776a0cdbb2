from django.apps import AppConfig


class ControlsConfig(AppConfig):
    name = "controls"
    verbose_name = "Annex A controls and Statement of Applicability"
    urls_prefix = "controls/"
    api_routes = "controls.api.routes"

    def ready(self):
        from .plugins import register

        register()

    def load_reference(self, reference: dict) -> int:
        from .library import load_library
        from .services import soa_current

        changed = load_library(reference)
        soa_current()  # a new portal starts with draft 1, one row per control
        return changed

    def load_demo(self, users: dict) -> int:
        from .demo import load_demo

        return load_demo(users)
