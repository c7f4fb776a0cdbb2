"""What the core itself puts into its registries (called from ``AimsConfig.ready``)."""

from . import autocomplete, dashboard, mfa, navigation
from .events import register_events
from .models import GapReport, ObjectChange, User
from .views.pages import due_card, readiness_card, recent_changes_card


def register() -> None:
    autocomplete.register(
        autocomplete.Lookup(
            key="aims.user",
            queryset=lambda user: User.objects.filter(is_active=True),
            search_fields=autocomplete.USER_SEARCH_FIELDS,
            label=autocomplete.user_label,
            ordering=("first_name", "last_name", "username"),
        )
    )
    register_events({"gapreport.saved": "Gap report kept"})
    register_events(mfa.EVENTS)
    dashboard.register(
        dashboard.DashboardCard(
            key="aims.readiness",
            order=5,
            template="aims/cards/readiness.html",
            context=readiness_card,
            width="col-12",
        )
    )
    dashboard.register(
        dashboard.DashboardCard(
            key="aims.due",
            order=6,
            template="aims/cards/due.html",
            context=due_card,
        )
    )
    navigation.register(
        navigation.NavSection(
            key="readiness",
            label="Readiness",
            order=80,
            path_prefix="/readiness/",
            links=(
                navigation.NavLink(
                    "Gap report", "readiness", visible=navigation.can_view(GapReport)
                ),
                navigation.NavLink(
                    "Documented information",
                    "readiness_documented_information",
                    visible=navigation.can_view(GapReport),
                ),
                navigation.NavLink(
                    "Kept reports",
                    "gapreport_list",
                    visible=navigation.can_view(GapReport),
                ),
            ),
        )
    )
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
                    "Change log", "changelog", visible=navigation.can_view(ObjectChange)
                ),
            ),
        )
    )
