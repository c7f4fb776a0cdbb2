from django.apps import AppConfig


class AimsConfig(AppConfig):
    name = "aims"
    verbose_name = "AIMS core"

    def ready(self):
        from . import history, reminders, roles  # noqa: F401  (connect signal receivers)
