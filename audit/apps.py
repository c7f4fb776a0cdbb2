from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Internal audits and management reviews"
    urls_prefix = "audits/"
    api_routes = "audit.api.routes"

    def ready(self):
        from aims import navigation, record_tabs

        from .packs.actions import evidence_pack_actions
        from .packs.kinds import register_builtin_kinds
        from .packs.registry import may_view_any_pack

        register_builtin_kinds()
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
