"""Pages of the audit app: each record type's standard paths from ``model_urls()``,
then the workflow paths (approve, sign, verify, download, ...)."""

from django.urls import path

from aims.views.urls import model_urls

from .models import (
    Audit,
    AuditorBundle,
    AuditProgramme,
    CorrectiveAction,
    EvidencePack,
    Finding,
    ManagementReview,
    Nonconformity,
)
from .views import audits, bundles, findings, packs, reviews

app_name = "audit"

urlpatterns = [
    # Packs and bundles are asked for and built, never edited or deleted, and keep
    # their history on the pack page itself.
    *model_urls(
        EvidencePack,
        prefix="packs/",
        list=packs.EvidencePackListView,
        add=packs.EvidencePackRequestView,
        detail=packs.EvidencePackDetailView,
        history=None,
        tab=None,
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
    # Programme
    path(
        "programmes/<int:pk>/approve/",
        audits.AuditProgrammeApproveView.as_view(),
        name="auditprogramme_approve",
    ),
    path(
        "programmes/<int:pk>/new-version/",
        audits.AuditProgrammeNewVersionView.as_view(),
        name="auditprogramme_new_version",
    ),
    path(
        "programmes/<int:pk>/coverage/",
        audits.AuditProgrammeCoverageView.as_view(),
        name="auditprogramme_coverage",
    ),
    # Audits and checklists
    path(
        "<int:pk>/results/",
        audits.AuditResultsView.as_view(),
        name="audit_results",
    ),
    path(
        "<int:pk>/status/",
        audits.AuditTransitionView.as_view(),
        name="audit_transition",
    ),
    path(
        "checklist/<int:pk>/edit/",
        audits.ChecklistLineEditView.as_view(),
        name="checklistline_edit",
    ),
    path(
        "<int:audit_pk>/findings/add/",
        findings.FindingEditView.as_view(),
        name="finding_add",
    ),
    path(
        "findings/<int:pk>/close/",
        findings.FindingCloseView.as_view(),
        name="finding_close",
    ),
    # Nonconformities and corrective actions
    path(
        "nonconformities/<int:pk>/close/",
        findings.NonconformityCloseView.as_view(),
        name="nonconformity_close",
    ),
    path(
        "nonconformities/<int:nonconformity_pk>/actions/add/",
        findings.CorrectiveActionEditView.as_view(),
        name="correctiveaction_add",
    ),
    path(
        "corrective-actions/<int:pk>/verify/",
        findings.EffectivenessVerifyView.as_view(),
        name="correctiveaction_verify",
    ),
    # Management reviews
    path(
        "reviews/<int:pk>/prepare/",
        reviews.ManagementReviewPrepareView.as_view(),
        name="managementreview_prepare",
    ),
    path(
        "reviews/<int:pk>/sign/",
        reviews.ManagementReviewSignView.as_view(),
        name="managementreview_sign",
    ),
    path(
        "reviews/inputs/<int:pk>/edit/",
        reviews.ManagementReviewInputEditView.as_view(),
        name="managementreviewinput_edit",
    ),
    path(
        "reviews/<int:review_pk>/decisions/add/",
        reviews.ManagementReviewDecisionEditView.as_view(),
        name="managementreviewdecision_add",
    ),
    path(
        "reviews/decisions/<int:pk>/edit/",
        reviews.ManagementReviewDecisionEditView.as_view(),
        name="managementreviewdecision_edit",
    ),
    *model_urls(
        AuditorBundle,
        prefix="bundles/",
        list=bundles.AuditorBundleListView,
        add=bundles.AuditorBundleRequestView,
        detail=bundles.AuditorBundleDetailView,
        history=None,
        tab=None,
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
    *model_urls(
        AuditProgramme,
        prefix="programmes/",
        list=audits.AuditProgrammeListView,
        detail=audits.AuditProgrammeDetailView,
        edit=audits.AuditProgrammeEditView,
        delete=audits.AuditProgrammeDeleteView,
    ),
    *model_urls(
        Finding,
        prefix="findings/",
        list=findings.FindingListView,
        detail=findings.FindingDetailView,
        edit=findings.FindingEditView,
        delete=findings.FindingDeleteView,
    ),
    *model_urls(
        Nonconformity,
        prefix="nonconformities/",
        list=findings.NonconformityListView,
        detail=findings.NonconformityDetailView,
        edit=findings.NonconformityEditView,
        delete=findings.NonconformityDeleteView,
    ),
    *model_urls(
        CorrectiveAction,
        prefix="corrective-actions/",
        list=findings.CorrectiveActionListView,
        detail=findings.CorrectiveActionDetailView,
        edit=findings.CorrectiveActionEditView,
        delete=findings.CorrectiveActionDeleteView,
    ),
    *model_urls(
        ManagementReview,
        prefix="reviews/",
        list=reviews.ManagementReviewListView,
        detail=reviews.ManagementReviewDetailView,
        edit=reviews.ManagementReviewEditView,
        delete=reviews.ManagementReviewDeleteView,
    ),
    # Audits last: their paths start at the app's root.
    *model_urls(
        Audit,
        list=audits.AuditListView,
        detail=audits.AuditDetailView,
        edit=audits.AuditEditView,
        delete=audits.AuditDeleteView,
    ),
]
