from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Internal audits and management reviews"

    def ready(self):
        from .packs.kinds import register_builtin_kinds

        register_builtin_kinds()
