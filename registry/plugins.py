"""How the register plugs into the portal's registries (called from ``RegistryConfig.ready``)."""

from aims import autocomplete, navigation
from aims.events import register_events

from .cards import register_cards
from .models import AISystem
from .reminders import register_sources


def register() -> None:
    register_sources()
    register_cards()
    register_events({"aisystem.reviewed": "AI system reviewed"})
    autocomplete.register(
        autocomplete.Lookup(
            key="registry.aisystem",
            queryset=autocomplete.visible(AISystem),
            search_fields=("reference", "name"),
            ordering=("reference",),
        )
    )
    autocomplete.register(autocomplete.owner_lookup(AISystem))
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
