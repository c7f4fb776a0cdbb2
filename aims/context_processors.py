from django.conf import settings
from django.utils.functional import SimpleLazyObject

from aims import navigation
from aims.models import Notification, ObjectChange
from aims.permissions import can


def portal(request):
    user = getattr(request, "user", None)
    return {
        "organisation_name": settings.AIMS_ORGANISATION_NAME,
        "can_view_change_log": bool(user and can(user, "view", ObjectChange)),
        "nav_sections": SimpleLazyObject(lambda: navigation.sections_for(user)),
        # One COUNT on an index, and only when a template shows it (the navigation).
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.for_user(user).unread().count()
        ),
    }
