"""Writes of the audit app, by subject."""

from .audits import (
    AUDIT_TRANSITIONS,
    Frozen,
    audit_save,
    audit_transition,
    checklist_line_save,
    checklist_sync,
    objectivity_conflicts,
    programme_approve,
    programme_new_version,
    programme_save,
)
from .bundles import (
    BundleRefused,
    auditor_bundle_build,
    auditor_bundle_request,
    auditor_bundle_retry,
    may_request_bundles,
)
from .findings import (
    corrective_action_save,
    effectiveness_verify,
    finding_close,
    finding_save,
    may_verify,
    nonconformity_close,
    nonconformity_save,
)
from .packs import (
    PackNotRetryable,
    evidence_pack_build,
    evidence_pack_request,
    evidence_pack_retry,
)
from .reviews import (
    review_decision_save,
    review_input_reports,
    review_input_save,
    review_prepare,
    review_save,
    review_sign,
)

__all__ = [
    "AUDIT_TRANSITIONS",
    "Frozen",
    "BundleRefused",
    "auditor_bundle_build",
    "auditor_bundle_request",
    "auditor_bundle_retry",
    "may_request_bundles",
    "PackNotRetryable",
    "audit_save",
    "audit_transition",
    "checklist_line_save",
    "checklist_sync",
    "corrective_action_save",
    "effectiveness_verify",
    "evidence_pack_build",
    "evidence_pack_request",
    "evidence_pack_retry",
    "finding_close",
    "finding_save",
    "may_verify",
    "nonconformity_close",
    "nonconformity_save",
    "objectivity_conflicts",
    "programme_approve",
    "programme_new_version",
    "programme_save",
    "review_decision_save",
    "review_input_reports",
    "review_input_save",
    "review_prepare",
    "review_save",
    "review_sign",
]
