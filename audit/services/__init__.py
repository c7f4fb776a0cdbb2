"""Writes of the audit app, by subject."""

from .packs import (
    DuplicatePackRequest,
    PackNotRetryable,
    evidence_pack_build,
    evidence_pack_request,
    evidence_pack_retry,
)

__all__ = [
    "DuplicatePackRequest",
    "PackNotRetryable",
    "evidence_pack_build",
    "evidence_pack_request",
    "evidence_pack_retry",
]
