from django.urls import path

from aims.views.urls import model_urls

from . import views
from .models import AISystem

app_name = "registry"

urlpatterns = [
    path("import/", views.AISystemImportView.as_view(), name="aisystem_import"),
    path(
        "<int:pk>/review/", views.AISystemReviewView.as_view(), name="aisystem_review"
    ),
    *model_urls(
        AISystem,
        list=views.AISystemListView,
        detail=views.AISystemDetailView,
        edit=views.AISystemEditView,
        delete=views.AISystemDeleteView,
    ),
]
