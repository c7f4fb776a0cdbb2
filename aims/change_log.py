"""Verification of the change log's hash chain."""

from dataclasses import dataclass

from .models import ObjectChange
from .models.change_log import GENESIS_HASH


@dataclass
class ChainReport:
    checked: int
    head_hash: str
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify_chain() -> ChainReport:
    """Walk the chain in order; report the first entry whose hash, link or number is wrong."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for entry in ObjectChange.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return ChainReport(
                checked, expected_prev, expected_seq, "entry missing (gap in numbering)"
            )
        if entry.prev_hash != expected_prev:
            return ChainReport(
                checked, expected_prev, entry.seq, "does not link to the previous entry"
            )
        if entry.compute_hash() != entry.hash:
            return ChainReport(
                checked, expected_prev, entry.seq, "content does not match its hash"
            )
        expected_prev, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    return ChainReport(checked, expected_prev)
