"""How the audit app plugs into the portal's registries (called from ``AuditConfig.ready``)."""

from aims import autocomplete, navigation, record_tabs
from aims.events import register_events

from .packs.actions import evidence_pack_actions
from .packs.kinds import register_builtin_kinds
from .packs.registry import may_view_any_pack
from .views.bundles import may_view_bundles


def _ready_packs(user):
    from .models import EvidencePack

    return EvidencePack.objects.visible_to(user).filter(status="ready")


def register() -> None:
    register_builtin_kinds()
    register_events(
        {
            "pack.requested": "Evidence pack requested",
            "pack.ready": "Evidence pack ready",
            "pack.failed": "Evidence pack failed",
            "pack.retried": "Evidence pack retried",
            "bundle.requested": "Auditor bundle requested",
            "bundle.ready": "Auditor bundle ready",
            "bundle.failed": "Auditor bundle failed",
            "bundle.retried": "Auditor bundle retried",
        }
    )
    autocomplete.register(
        autocomplete.Lookup(
            key="audit.readypack",
            queryset=_ready_packs,
            search_fields=("reference", "target_repr", "kind"),
            label=lambda pack: (
                f"{pack.reference} {pack.kind_title} · {pack.target_repr}"
            ),
            ordering=("-requested_at",),
        )
    )
    record_tabs.register_actions(None, evidence_pack_actions)
    navigation.register(
        navigation.NavSection(
            key="audit",
            label="Audits & Reviews",
            order=50,
            path_prefix="/audits/",
            links=(
                navigation.NavLink(
                    "Evidence packs",
                    "audit:evidencepack_list",
                    visible=may_view_any_pack,
                ),
                navigation.NavLink(
                    "Auditor bundles",
                    "audit:auditorbundle_list",
                    visible=may_view_bundles,
                ),
            ),
        )
    )
