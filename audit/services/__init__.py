"""Writes of the audit app, by subject."""

from .packs import (
    PackNotRetryable,
    evidence_pack_build,
    evidence_pack_request,
    evidence_pack_retry,
)

__all__ = [
    "PackNotRetryable",
    "evidence_pack_build",
    "evidence_pack_request",
    "evidence_pack_retry",
]
