"""How the controls app plugs into the portal's registries (``ControlsConfig.ready``)."""

from aims import autocomplete, dashboard, navigation
from aims.events import register_events
from audit.packs.registry import register as register_pack_kind

from .cards import soa_card
from .models import Control, Evidence, SoAEntry
from .packs import SoAPackKind
from .readiness import register as register_readiness
from .reminders import register_sources


def _register_exports() -> None:
    from aims import exports

    from . import views
    from .exports import evidence_exporter, soa_exporter

    exports.register_list(
        exports.ExportList(
            key="soa",
            title="Statement of Applicability",
            exporter=soa_exporter,
            rows=views.soa_export_rows,
            page_url=exports.list_page("controls:soa"),
        )
    )
    exports.register_list(
        exports.ExportList(
            key="evidence",
            title="Evidence register",
            exporter=evidence_exporter,
            rows=views.EvidenceListView.export_rows,
            page_url=exports.list_page("controls:evidence_list"),
        )
    )


def register() -> None:
    _register_exports()
    register_sources()
    register_readiness()
    register_events(
        {
            "control.check_failed": "Control check failed",
            "evidence.file_added": "Evidence file added",
            "soa.approved": "Statement of Applicability approved",
        }
    )
    register_pack_kind(SoAPackKind())
    dashboard.register(
        dashboard.DashboardCard(
            key="controls.soa",
            order=7,
            template="controls/cards/soa.html",
            context=soa_card,
        )
    )
    autocomplete.register(
        autocomplete.Lookup(
            key="controls.control",
            queryset=autocomplete.visible(Control),
            search_fields=("control_id", "title"),
            value=lambda control: control.control_id,
            value_field="control_id",
        )
    )
    autocomplete.register(
        autocomplete.Lookup(
            key="controls.evidence",
            queryset=autocomplete.visible(Evidence),
            search_fields=("reference", "title"),
            ordering=("reference",),
        )
    )
    autocomplete.register(autocomplete.owner_lookup(SoAEntry))
    autocomplete.register(autocomplete.owner_lookup(Evidence))
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
