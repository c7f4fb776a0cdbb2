"""``/api/v1/``: one router for every app."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from aims.api import views
from registry.api.views import (
    AIRoleViewSet,
    AISystemViewSet,
    DataCategoryViewSet,
    TagViewSet,
)

router = DefaultRouter()
router.register("ai-systems", AISystemViewSet)
router.register("ai-roles", AIRoleViewSet)
router.register("data-categories", DataCategoryViewSet)
router.register("tags", TagViewSet)
router.register("change-log", views.ObjectChangeViewSet)
router.register("users", views.UserViewSet)
router.register("roles", views.RoleViewSet)
router.register("me/token", views.MyTokenViewSet, basename="my-token")

urlpatterns = [
    path("auth/token/", views.ObtainTokenView.as_view(), name="api-token-obtain"),
    *router.urls,
]
