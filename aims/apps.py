from django.apps import AppConfig


class AimsConfig(AppConfig):
    name = "aims"
    verbose_name = "AIMS core"

    def ready(self):
        # history, reauth, reminders and roles connect their signal receivers on import.
        from . import checks, history, reauth, reminders, roles  # noqa: F401
        from .plugins import register

        register()
