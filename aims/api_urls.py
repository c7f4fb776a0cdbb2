"""``/api/v1/``: one router for every app.

An app plugs in by naming its routes module on its AppConfig (``api_routes =
"registry.api.routes"``); the module holds ``routes``, a list of ``Route``s, and
optionally ``urlpatterns`` for views that are not viewsets.
"""

from importlib import import_module

from django.apps import apps
from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from aims.api import notifications, readiness, views
from aims.api.autocomplete import AutocompleteView
from aims.api.routes import Route
from aims.views.errors import not_found

AIMS_ROUTES = [
    Route("change-log", views.ObjectChangeViewSet),
    Route("users", views.UserViewSet),
    Route("roles", views.RoleViewSet),
    Route("me/token", views.MyTokenViewSet, basename="my-token"),
    Route("notifications", notifications.NotificationViewSet),
    Route("me/due-items", notifications.MyDueItemViewSet, basename="my-due-items"),
    Route("self-assessments", readiness.SelfAssessmentViewSet),
    Route("gap-reports", readiness.GapReportViewSet),
]


def _app_route_modules():
    for config in apps.get_app_configs():
        module_name = getattr(config, "api_routes", None)
        if module_name:
            yield import_module(module_name)


router = DefaultRouter()
extra_patterns = []
for module in _app_route_modules():
    for route in module.routes:
        route.register(router)
    extra_patterns += getattr(module, "urlpatterns", [])
for route in AIMS_ROUTES:
    route.register(router)

urlpatterns = [
    path("auth/token/", views.ObtainTokenView.as_view(), name="api-token-obtain"),
    path(
        "me/notification-preferences/",
        notifications.MyNotificationPreferenceView.as_view(),
        name="my-notification-preferences",
    ),
    path(
        "autocomplete/<str:key>/", AutocompleteView.as_view(), name="api-autocomplete"
    ),
    path("readiness/", readiness.ReadinessView.as_view(), name="api-readiness"),
    path(
        "readiness/documented-information/",
        readiness.DocumentedInformationView.as_view(),
        name="api-documented-information",
    ),
    *extra_patterns,
    *router.urls,
    # Unknown API paths get the API's JSON 404 in development too (DEBUG skips
    # handler404). Only paths with a slash, so APPEND_SLASH still redirects.
    re_path(r"^.*/$", not_found),
]
