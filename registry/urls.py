from django.urls import include, path

from aims.views.urls import model_urls

from . import life_views, views
from .models import AISystem, Dataset, Supplier

app_name = "registry"


def _child_urls():
    patterns = []
    for segment, (model, form, parent) in life_views.CHILDREN.items():
        edit, delete = life_views.child_views(model, form, parent)
        name = model._meta.model_name
        prefix = {"Supplier": "suppliers/", "Dataset": "datasets/"}.get(
            parent.__name__, ""
        )
        patterns += [
            path(
                f"{prefix}<int:parent_pk>/{segment}/add/",
                edit.as_view(),
                name=f"{name}_add",
            ),
            path(f"{segment}/<int:pk>/edit/", edit.as_view(), name=f"{name}_edit"),
            path(
                f"{segment}/<int:pk>/delete/", delete.as_view(), name=f"{name}_delete"
            ),
        ]
    return patterns


urlpatterns = [
    path(
        "suppliers/",
        include(
            model_urls(
                Supplier,
                list=life_views.SupplierListView,
                detail=life_views.SupplierDetailView,
                edit=life_views.SupplierEditView,
                delete=life_views.SupplierDeleteView,
            )
        ),
    ),
    path(
        "datasets/",
        include(
            model_urls(
                Dataset,
                list=life_views.DatasetListView,
                detail=life_views.DatasetDetailView,
                edit=life_views.DatasetEditView,
                delete=life_views.DatasetDeleteView,
            )
        ),
    ),
    *_child_urls(),
    path(
        "lifecycle/<int:pk>/approve/",
        life_views.LifecycleRecordApproveView.as_view(),
        name="lifecyclerecord_approve",
    ),
    path(
        "<int:pk>/release/", life_views.ReleaseRecordView.as_view(), name="release_add"
    ),
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
