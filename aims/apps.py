from django.apps import AppConfig


class AimsConfig(AppConfig):
    name = "aims"
    verbose_name = "AIMS core"

    def ready(self):
        # accounts, history, reauth, reminders and roles connect their signal
        # receivers on import.
        from . import (  # noqa: F401
            accounts,
            checks,
            history,
            middleware,
            reauth,
            reminders,
            roles,
        )
        from .counting import connect
        from .plugins import register

        connect()
        register()
