from django.apps import AppConfig


class AimsConfig(AppConfig):
    name = "aims"
    verbose_name = "AIMS core"

    def ready(self):
        # history, reminders and roles connect their signal receivers on import.
        from . import dashboard, history, navigation, reminders, roles  # noqa: F401
        from .models import ObjectChange
        from .views.pages import recent_changes_card

        dashboard.register(
            dashboard.DashboardCard(
                key="aims.recent_changes",
                order=90,
                template="aims/cards/recent_changes.html",
                context=recent_changes_card,
                width="col-xl-4",
            )
        )

        navigation.register(
            navigation.NavSection(
                key="changelog",
                label="Change log",
                order=90,
                path_prefix="/changelog/",
                links=(
                    navigation.NavLink(
                        "Change log",
                        "changelog",
                        visible=navigation.can_view(ObjectChange),
                    ),
                ),
            )
        )
