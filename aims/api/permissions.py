"""DRF adapter of ``aims.permissions``: the same rule as the pages."""

from rest_framework.permissions import BasePermission

from aims.permissions import can

_METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class AimsObjectPermission(BasePermission):
    """Creating needs the model-wide ``add`` permission; everything else is decided per
    object (hidden objects are already a 404 because the queryset is restricted)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if getattr(view, "action", None) in getattr(view, "add_actions", ("create",)):
            return can(request.user, "add", view.get_queryset().model)
        return True

    def has_object_permission(self, request, view, obj):
        action = getattr(view, "object_actions", {}).get(
            view.action
        ) or _METHOD_ACTIONS.get(request.method, "change")
        return can(request.user, action, obj)
