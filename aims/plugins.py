"""What the core itself puts into its registries (called from ``AimsConfig.ready``)."""

from . import autocomplete, dashboard, navigation
from .models import ObjectChange, User
from .views.pages import recent_changes_card


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
