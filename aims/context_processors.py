from django.conf import settings

from aims.models import ObjectChange
from aims.permissions import can


def portal(request):
    user = getattr(request, "user", None)
    return {
        "organisation_name": settings.AIMS_ORGANISATION_NAME,
        "can_view_change_log": bool(user and can(user, "view", ObjectChange)),
    }
