from django.apps import AppConfig


class AimsConfig(AppConfig):
    name = "aims"
    verbose_name = "AIMS core"

    def ready(self):
        # history, reminders and roles connect their signal receivers on import.
        from . import history, reminders, roles  # noqa: F401
        from .plugins import register

        register()
