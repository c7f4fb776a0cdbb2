"""How the audit app plugs into the portal's registries (called from ``AuditConfig.ready``)."""

from aims import navigation, record_tabs
from aims.events import register_events

from .packs.actions import evidence_pack_actions
from .packs.kinds import register_builtin_kinds
from .packs.registry import may_view_any_pack


def register() -> None:
    register_builtin_kinds()
    register_events(
        {
            "pack.requested": "Evidence pack requested",
            "pack.ready": "Evidence pack ready",
            "pack.failed": "Evidence pack failed",
            "pack.retried": "Evidence pack retried",
            "pack.rebuilding": "Evidence pack rebuilding",
        }
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
            ),
        )
    )
