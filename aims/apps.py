from django.apps import AppConfig


class AimsConfig(AppConfig):
    name = "aims"
    verbose_name = "AIMS core"

    def ready(self):
        # accounts, history, reauth, reminders and roles connect their signal
        # receivers on import.
        from . import accounts, checks, history, reauth, reminders, roles  # noqa: F401
        from .plugins import register

        register()
