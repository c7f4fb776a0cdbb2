from aims.api.routes import Route

from .audits import AuditProgrammeViewSet, AuditViewSet, ChecklistLineViewSet
from .bundles import AuditorBundleViewSet
from .exports import ExportJobViewSet
from .findings import (
    CorrectiveActionViewSet,
    EffectivenessVerificationViewSet,
    FindingViewSet,
    NonconformityViewSet,
)
from .reviews import (
    ManagementReviewDecisionViewSet,
    ManagementReviewInputViewSet,
    ManagementReviewViewSet,
)
from .views import EvidencePackViewSet

routes = [
    Route("evidence-packs", EvidencePackViewSet),
    Route("audit-programmes", AuditProgrammeViewSet),
    Route("audits", AuditViewSet),
    Route("audit-checklist-lines", ChecklistLineViewSet),
    Route("audit-findings", FindingViewSet),
    Route("nonconformities", NonconformityViewSet),
    Route("corrective-actions", CorrectiveActionViewSet),
    Route("effectiveness-verifications", EffectivenessVerificationViewSet),
    Route("management-reviews", ManagementReviewViewSet),
    Route("management-review-inputs", ManagementReviewInputViewSet),
    Route("management-review-decisions", ManagementReviewDecisionViewSet),
    Route("auditor-bundles", AuditorBundleViewSet),
    Route("exports", ExportJobViewSet),
]
