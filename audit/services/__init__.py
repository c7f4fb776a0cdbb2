"""Writes of the audit app, by subject."""

from .bundles import (
    BundleRefused,
    auditor_bundle_build,
    auditor_bundle_request,
    auditor_bundle_retry,
    may_request_bundles,
)
from .packs import (
    PackNotRetryable,
    evidence_pack_build,
    evidence_pack_request,
    evidence_pack_retry,
)

__all__ = [
    "BundleRefused",
    "auditor_bundle_build",
    "auditor_bundle_request",
    "auditor_bundle_retry",
    "may_request_bundles",
    "PackNotRetryable",
    "evidence_pack_build",
    "evidence_pack_request",
    "evidence_pack_retry",
]
