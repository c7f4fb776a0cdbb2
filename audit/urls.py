from django.urls import path

from .views import packs

app_name = "audit"

urlpatterns = [
    path("packs/", packs.EvidencePackListView.as_view(), name="evidencepack_list"),
    path(
        "packs/add/",
        packs.EvidencePackRequestView.as_view(),
        name="evidencepack_add",
    ),
    path(
        "packs/<int:pk>/",
        packs.EvidencePackDetailView.as_view(),
        name="evidencepack_detail",
    ),
    path(
        "packs/<int:pk>/download/",
        packs.EvidencePackDownloadView.as_view(),
        name="evidencepack_download",
    ),
    path(
        "packs/<int:pk>/retry/",
        packs.EvidencePackRetryView.as_view(),
        name="evidencepack_retry",
    ),
]
