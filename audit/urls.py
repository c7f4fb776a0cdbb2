from django.urls import path

from .views import bundles, packs

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
    path(
        "bundles/", bundles.AuditorBundleListView.as_view(), name="auditorbundle_list"
    ),
    path(
        "bundles/add/",
        bundles.AuditorBundleRequestView.as_view(),
        name="auditorbundle_add",
    ),
    path(
        "bundles/<int:pk>/",
        bundles.AuditorBundleDetailView.as_view(),
        name="auditorbundle_detail",
    ),
    path(
        "bundles/<int:pk>/download/",
        bundles.AuditorBundleDownloadView.as_view(),
        name="auditorbundle_download",
    ),
    path(
        "bundles/<int:pk>/retry/",
        bundles.AuditorBundleRetryView.as_view(),
        name="auditorbundle_retry",
    ),
]
