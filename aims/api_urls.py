"""``/api/v1/``: one router for every app."""

from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from aims.api import notifications, views
from aims.views.errors import not_found
from audit.api.views import EvidencePackViewSet
from controls.api.views import (
    ControlCheckViewSet,
    ControlDomainViewSet,
    ControlViewSet,
    CoverageViewSet,
    EvidenceViewSet,
    RequirementViewSet,
    SoAEntryViewSet,
    SoAVersionViewSet,
)
from registry.api.views import (
    AIRoleViewSet,
    AISystemViewSet,
    DataCategoryViewSet,
    TagViewSet,
)
from risk.api.views import (
    AIObjectiveViewSet,
    RiskCriteriaViewSet,
    RiskSourceViewSet,
    RiskViewSet,
    TreatmentActionViewSet,
)

router = DefaultRouter()
router.register("ai-systems", AISystemViewSet)
router.register("ai-roles", AIRoleViewSet)
router.register("data-categories", DataCategoryViewSet)
router.register("tags", TagViewSet)
router.register("risks", RiskViewSet)
router.register("treatment-actions", TreatmentActionViewSet)
router.register("risk-criteria", RiskCriteriaViewSet)
router.register("risk-sources", RiskSourceViewSet)
router.register("ai-objectives", AIObjectiveViewSet)
router.register("controls", ControlViewSet)
router.register("control-domains", ControlDomainViewSet)
router.register("requirements", RequirementViewSet)
router.register("soa-versions", SoAVersionViewSet)
router.register("soa-entries", SoAEntryViewSet)
router.register("evidence", EvidenceViewSet)
router.register("control-checks", ControlCheckViewSet)
router.register("crosswalk-coverage", CoverageViewSet, basename="crosswalk-coverage")
router.register("evidence-packs", EvidencePackViewSet)
router.register("change-log", views.ObjectChangeViewSet)
router.register("users", views.UserViewSet)
router.register("roles", views.RoleViewSet)
router.register("me/token", views.MyTokenViewSet, basename="my-token")
router.register("notifications", notifications.NotificationViewSet)
router.register("me/due-items", notifications.MyDueItemViewSet, basename="my-due-items")

urlpatterns = [
    path("auth/token/", views.ObtainTokenView.as_view(), name="api-token-obtain"),
    path(
        "me/notification-preferences/",
        notifications.MyNotificationPreferenceView.as_view(),
        name="my-notification-preferences",
    ),
    *router.urls,
    # Unknown API paths get the API's JSON 404 in development too (DEBUG skips
    # handler404). Only paths with a slash, so APPEND_SLASH still redirects.
    re_path(r"^.*/$", not_found),
]
