from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "AI system register"
    urls_prefix = "register/"
    api_routes = "registry.api.routes"

    def ready(self):
        from aims import navigation

        from .cards import register_cards
        from .reminders import register_sources

        register_sources()
        register_cards()
        navigation.register(
            navigation.NavSection(
                key="registry",
                label="Register",
                order=10,
                path_prefix="/register/",
                # Import is offered on the list page, next to "Add AI system".
                links=(navigation.NavLink("AI systems", "registry:aisystem_list"),),
            )
        )

    def load_reference(self, reference: dict) -> int:
        from .reference import load_reference

        return load_reference(reference)

    def load_demo(self, users: dict) -> int:
        from .demo import load_demo

        return load_demo(users)
