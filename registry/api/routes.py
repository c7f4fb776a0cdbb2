from aims.api.routes import Route

from .views import AIRoleViewSet, AISystemViewSet, DataCategoryViewSet, TagViewSet

routes = [
    Route("ai-systems", AISystemViewSet),
    Route("ai-roles", AIRoleViewSet),
    Route("data-categories", DataCategoryViewSet),
    Route("tags", TagViewSet),
]
