from .bundles import AuditorBundle
from .exports import ExportJob
from .findings import (
    CorrectiveAction,
    EffectivenessVerification,
    Finding,
    Nonconformity,
)
from .packs import EvidencePack, PackDispatch
from .permissions import (
    AuditGroupObjectPermission,
    AuditUserObjectPermission,
    CorrectiveActionGroupObjectPermission,
    CorrectiveActionUserObjectPermission,
    FindingGroupObjectPermission,
    FindingUserObjectPermission,
    NonconformityGroupObjectPermission,
    NonconformityUserObjectPermission,
)
from .programme import Audit, AuditProgramme, ChecklistLine
from .reviews import (
    ManagementReview,
    ManagementReviewDecision,
    ManagementReviewInput,
)

__all__ = [
    "Audit",
    "AuditGroupObjectPermission",
    "AuditorBundle",
    "AuditProgramme",
    "AuditUserObjectPermission",
    "ChecklistLine",
    "CorrectiveAction",
    "CorrectiveActionGroupObjectPermission",
    "CorrectiveActionUserObjectPermission",
    "EffectivenessVerification",
    "EvidencePack",
    "ExportJob",
    "Finding",
    "FindingGroupObjectPermission",
    "FindingUserObjectPermission",
    "ManagementReview",
    "ManagementReviewDecision",
    "ManagementReviewInput",
    "Nonconformity",
    "NonconformityGroupObjectPermission",
    "NonconformityUserObjectPermission",
    "PackDispatch",
]
