"""How the register plugs into the portal's registries (called from ``RegistryConfig.ready``)."""

from aims import autocomplete, navigation, record_tabs
from aims.events import register_events

from . import tabs
from .cards import register_cards
from .gate_conditions import register_conditions
from .life_readiness import register as register_readiness
from .models import AISystem, Dataset, Supplier
from .packs import register_pack_sections
from .reminders import register_sources


def _register_exports() -> None:
    from aims import exports

    from . import views
    from .exports import ai_system_exporter

    exports.register_list(
        exports.ExportList(
            key="ai-systems",
            title="AI system register",
            exporter=ai_system_exporter,
            rows=views.AISystemListView.export_rows,
            page_url=exports.list_page("registry:aisystem_list"),
        )
    )


def register() -> None:
    _register_exports()
    register_sources()
    register_cards()
    register_conditions()
    register_readiness()
    register_pack_sections()
    register_events(
        {
            "aisystem.gate_blocked": "Blocked by the release gate",
            "release.recorded": "Release recorded (gate met)",
            "release.gate_overridden": "Release gate overridden by the committee",
            "lifecyclerecord.approved": "Life-cycle record approved",
        }
    )
    for key, label, order, template, context in (
        (
            "resources",
            "Resources",
            30,
            "registry/tabs/resources.html",
            tabs.resources_tab,
        ),
        ("data", "Data", 31, "registry/tabs/data.html", tabs.data_tab),
        (
            "suppliers",
            "Suppliers",
            32,
            "registry/tabs/suppliers.html",
            tabs.suppliers_tab,
        ),
        (
            "lifecycle",
            "Life cycle",
            33,
            "registry/tabs/lifecycle.html",
            tabs.lifecycle_tab,
        ),
    ):
        record_tabs.register_tab(
            "registry.aisystem",
            record_tabs.RecordTab(
                key=key, label=label, order=order, template=template, context=context
            ),
        )
    autocomplete.register(
        autocomplete.Lookup(
            key="registry.supplier",
            queryset=autocomplete.visible(Supplier),
            search_fields=("name",),
            ordering=("name",),
        )
    )
    autocomplete.register(
        autocomplete.Lookup(
            key="registry.dataset",
            queryset=autocomplete.visible(Dataset),
            search_fields=("reference", "name"),
            ordering=("reference",),
        )
    )
    autocomplete.register(autocomplete.owner_lookup(Dataset))
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
            links=(
                navigation.NavLink("AI systems", "registry:aisystem_list"),
                navigation.NavLink(
                    "Datasets",
                    "registry:dataset_list",
                    visible=navigation.can_view(Dataset),
                ),
                navigation.NavLink(
                    "Suppliers",
                    "registry:supplier_list",
                    visible=navigation.can_view(Supplier),
                ),
            ),
        )
    )
