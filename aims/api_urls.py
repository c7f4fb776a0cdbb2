"""``/api/v1/``: one router for every app."""

from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from aims.api import views
from aims.views.errors import not_found
from audit.api.views import EvidencePackViewSet
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
router.register("evidence-packs", EvidencePackViewSet)
router.register("change-log", views.ObjectChangeViewSet)
router.register("users", views.UserViewSet)
router.register("roles", views.RoleViewSet)
router.register("me/token", views.MyTokenViewSet, basename="my-token")

urlpatterns = [
    path("auth/token/", views.ObtainTokenView.as_view(), name="api-token-obtain"),
    *router.urls,
    # Unknown API paths get the API's JSON 404 in development too (DEBUG skips
    # handler404). Only paths with a slash, so APPEND_SLASH still redirects.
    re_path(r"^.*/$", not_found),
]
