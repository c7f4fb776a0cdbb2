from django.urls import path

from aims.views.urls import model_urls

from . import views
from .models import Control, Evidence

app_name = "controls"

urlpatterns = [
    path("", views.SoAView.as_view(), name="soa"),
    path("soa/v<int:number>/", views.SoAView.as_view(), name="soa_version"),
    path(
        "soa/v<int:number>/approve/",
        views.SoAApproveView.as_view(),
        name="soa_approve",
    ),
    path("soa/new-draft/", views.SoANewDraftView.as_view(), name="soa_new_draft"),
    path("soa/compare/", views.SoACompareView.as_view(), name="soa_compare"),
    path(
        "soa/entries/<int:pk>/edit/",
        views.SoAEntryEditView.as_view(),
        name="soaentry_edit",
    ),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path(
        "library/<int:control_pk>/checks/add/",
        views.ControlCheckAddView.as_view(),
        name="controlcheck_add",
    ),
    path(
        "evidence/<int:pk>/upload/",
        views.EvidenceUploadView.as_view(),
        name="evidence_upload",
    ),
    path(
        "evidence/<int:pk>/files/<int:number>/",
        views.EvidenceDownloadView.as_view(),
        name="evidence_download",
    ),
]

# model_urls() names the paths <model>_list, _add, _detail, _edit, _delete, _history.
_library = model_urls(
    Control,
    list=views.ControlListView,
    detail=views.ControlDetailView,
    edit=views.ControlEditView,
    delete=views.ControlDeleteView,
)
_evidence = model_urls(
    Evidence,
    list=views.EvidenceListView,
    detail=views.EvidenceDetailView,
    edit=views.EvidenceEditView,
    delete=views.EvidenceDeleteView,
)
urlpatterns += [
    path(f"library/{p.pattern}", p.callback, name=p.name) for p in _library
] + [path(f"evidence/{p.pattern}", p.callback, name=p.name) for p in _evidence]
