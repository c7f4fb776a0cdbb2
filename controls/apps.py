from django.apps import AppConfig


class ControlsConfig(AppConfig):
    name = "controls"
    verbose_name = "Annex A controls and Statement of Applicability"
    urls_prefix = "controls/"
    api_routes = "controls.api.routes"

    def ready(self):
        from aims import navigation
        from audit.packs.registry import register as register_pack_kind

        from .packs import SoAPackKind
        from .reminders import register_sources

        register_sources()
        register_pack_kind(SoAPackKind())
        navigation.register(
            navigation.NavSection(
                key="controls",
                label="Controls & SoA",
                order=40,
                path_prefix="/controls/",
                links=(
                    navigation.NavLink("Statement of Applicability", "controls:soa"),
                    navigation.NavLink("Control library", "controls:control_list"),
                    navigation.NavLink("Evidence", "controls:evidence_list"),
                    navigation.NavLink("Crosswalk coverage", "controls:coverage"),
                ),
            )
        )

    def load_reference(self, reference: dict) -> int:
        from .library import load_library
        from .services import soa_current

        changed = load_library(reference)
        soa_current()  # a new portal starts with draft 1, one row per control
        return changed

    def load_demo(self, users: dict) -> int:
        from .demo import load_demo

        return load_demo(users)
