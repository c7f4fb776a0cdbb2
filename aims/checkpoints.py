"""Signed checkpoints of the change log, and the check that compares the table with them.

The hash chain alone shows an entry altered, removed or moved *inside* the chain, but
not the newest entries deleted (a chain verifies up to wherever it stops), the table
emptied, or the tail rewritten with a recomputed chain (the hash is unkeyed). A
checkpoint closes those: the scheduled check signs (seq, head hash, time) with the key
outside the database (``aims.signing``), stores it in a table of its own, appends it to
a file outside the database (``AIMS_CHANGE_LOG_CHECKPOINT_FILE``) and e-mails it to the
committee. Afterwards the table must reach every checkpoint's entry with that hash.

What a checkpoint cannot cover: entries written after the newest checkpoint and changed
before the next one. The check's interval (``AIMS_CHANGE_LOG_VERIFY_SECONDS``) bounds
that window.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import bundle_verifier, signing
from .models import ChangeLogCheckpoint, ObjectChange
from .models.change_log import GENESIS_HASH

logger = logging.getLogger(__name__)

FORMAT = bundle_verifier.CHECKPOINT_FORMAT

__all__ = [
    "Checkpoint",
    "IntegrityReport",
    "file_checkpoints",
    "checkpoints_between",
    "latest_checkpoint",
    "payload",
    "record_checkpoint",
    "verify_change_log",
]


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head_hash: str
    time: str  # ISO 8601, UTC, microseconds: exactly the signed text
    key_id: str
    signature: str  # base64

    @property
    def moment(self):
        """``time`` as a datetime (pages and packs print it)."""
        import datetime

        return datetime.datetime.fromisoformat(self.time)

    @property
    def identity(self) -> tuple:
        return (self.seq, self.head_hash, self.time, self.key_id, self.signature)

    def payload(self) -> bytes:
        return payload(self.seq, self.head_hash, self.time, self.key_id)

    def signed_by_this_portal(self) -> bool:
        return self.key_id == signing.key_id() and signing.verify(
            self.payload(), self.signature, signing.public_key()
        )

    def as_dict(self) -> dict:
        return {"format": FORMAT, **asdict(self)}

    def describe(self) -> str:
        return f"checkpoint of {self.time} (entry #{self.seq}, head {self.head_hash[:16]}…)"


def payload(seq: int, head_hash: str, time: str, key_id: str) -> bytes:
    """The bytes a checkpoint's signature covers: canonical JSON (sorted keys, no
    spaces). The bundle verifier checks checkpoints offline with this very function."""
    return bundle_verifier.checkpoint_payload(seq, head_hash, time, key_id)


def checkpoint_file() -> Path:
    return Path(settings.AIMS_CHANGE_LOG_CHECKPOINT_FILE)


def _from_row(row: ChangeLogCheckpoint) -> Checkpoint:
    return Checkpoint(
        seq=row.seq,
        head_hash=row.head_hash,
        time=row.time.isoformat(timespec="microseconds"),
        key_id=row.key_id,
        signature=row.signature,
    )


def _append_to_file(checkpoint: Checkpoint) -> None:
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(checkpoint.as_dict(), sort_keys=True) + "\n"
    # O_APPEND: concurrent writers never interleave within a line this short.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def file_checkpoints() -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints in the file, and a problem for every line that is not one."""
    path = checkpoint_file()
    if not path.exists():
        return [], []
    found, problems = [], []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            found.append(
                Checkpoint(
                    seq=int(data["seq"]),
                    head_hash=str(data["head_hash"]),
                    time=str(data["time"]),
                    key_id=str(data["key_id"]),
                    signature=str(data["signature"]),
                )
            )
        except (ValueError, KeyError, TypeError):
            problems.append(f"{path.name} line {number}: not a checkpoint")
    return found, problems


def record_checkpoint(seq: int, head_hash: str) -> Checkpoint:
    """Sign (seq, head hash, now) and keep it in the table and in the file."""
    when = timezone.now()
    time = when.isoformat(timespec="microseconds")
    key_id = signing.key_id()
    checkpoint = Checkpoint(
        seq=seq,
        head_hash=head_hash,
        time=time,
        key_id=key_id,
        signature=signing.sign_text(payload(seq, head_hash, time, key_id)),
    )
    with transaction.atomic():
        ChangeLogCheckpoint.objects.create(
            seq=seq,
            head_hash=head_hash,
            time=when,
            key_id=key_id,
            signature=checkpoint.signature,
        )
        # Inside the transaction: if the file cannot be written, no row is kept either.
        _append_to_file(checkpoint)
    return checkpoint


def latest_checkpoint(up_to_seq: int | None = None) -> Checkpoint | None:
    """The newest checkpoint signed by this portal, from the table or the file; with
    ``up_to_seq``, the newest that anchors an entry at or before it (what a pack or
    bundle whose change log ends at that entry can print)."""
    rows = ChangeLogCheckpoint.objects.all()
    found = file_checkpoints()[0]
    if up_to_seq is not None:
        rows = rows.filter(seq__lte=up_to_seq)
        found = [c for c in found if c.seq <= up_to_seq]
    candidates = [
        c
        for c in [_from_row(row) for row in rows[:50]] + found
        if c.signed_by_this_portal()
    ]
    return max(candidates, key=lambda c: (c.seq, c.time), default=None)


def checkpoints_between(first_seq: int, last_seq: int) -> list[Checkpoint]:
    """Every checkpoint signed by this portal that anchors an entry from ``first_seq``
    to ``last_seq`` (table and file, once each), oldest first: what a bundle carrying
    those entries lists, so its verifier can check them against the entries."""
    rows = ChangeLogCheckpoint.objects.filter(seq__gte=first_seq, seq__lte=last_seq)
    found = [c for c in file_checkpoints()[0] if first_seq <= c.seq <= last_seq]
    unique = {c.identity: c for c in [_from_row(row) for row in rows] + found}
    trusted = [c for c in unique.values() if c.signed_by_this_portal()]
    return sorted(trusted, key=lambda c: (c.seq, c.time))


@dataclass
class IntegrityReport:
    entries: int = 0
    head_hash: str = GENESIS_HASH
    broken_seq: int | None = None
    reason: str = ""
    checkpoints_checked: int = 0
    latest_checkpoint: Checkpoint | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # An incremental check recomputes from the entry after this checkpoint's.
    started_after: Checkpoint | None = None

    @property
    def chain_ok(self) -> bool:
        return self.broken_seq is None

    @property
    def ok(self) -> bool:
        return self.chain_ok and not self.problems

    def summary(self) -> str:
        if self.ok:
            anchored = (
                f"; matches the {self.latest_checkpoint.describe()}"
                if self.latest_checkpoint
                else "; no checkpoint recorded yet"
            )
            if self.started_after is not None:
                anchored += (
                    f"; entries #{self.started_after.seq + 1} to #{self.entries} "
                    "recomputed (incremental check; older entries by their checkpoints)"
                )
            return f"Change log intact: {self.entries} entries, head {self.head_hash}{anchored}"
        lines = []
        if not self.chain_ok:
            lines.append(
                f"Change log broken at entry #{self.broken_seq}: {self.reason}. "
                f"{self.entries} entries checked before it."
            )
        lines.extend(self.problems)
        return "\n".join(lines)


def _walk_chain(
    report: IntegrityReport, wanted: set[int], start: Checkpoint | None = None
) -> dict[int, str]:
    """Recompute the chain; return the hash of each entry numbered in ``wanted``.

    With ``start`` (a trusted checkpoint whose entry still carries its hash) only the
    entries after it are read and recomputed; the entries of older checkpoints are
    looked up by number, so a chain recomputed through any of them still shows."""
    expected_prev, expected_seq = GENESIS_HASH, 1
    hashes = {}
    entries = ObjectChange.objects.order_by("seq")
    if start is not None:
        hashes = dict(
            ObjectChange.objects.filter(seq__in=wanted | {start.seq}).values_list(
                "seq", "hash"
            )
        )
        if hashes.get(start.seq) == start.head_hash:
            report.started_after = start
            report.entries = start.seq
            expected_prev, expected_seq = start.head_hash, start.seq + 1
            entries = entries.filter(seq__gt=start.seq)
            for seq in sorted(wanted):
                if seq < start.seq and seq not in hashes:
                    report.problems.append(
                        f"Entry #{seq}, which a signed checkpoint recorded, is missing."
                    )
        else:
            hashes = {}  # the anchor itself is gone or changed: check everything
    for entry in entries.iterator(chunk_size=2000):
        problem = ""
        if entry.seq != expected_seq:
            problem = "entry missing (gap in numbering)"
            report.broken_seq = expected_seq
        elif entry.prev_hash != expected_prev:
            problem = "does not link to the previous entry"
        elif entry.compute_hash() != entry.hash:
            problem = "content does not match its hash"
        if problem:
            report.broken_seq = report.broken_seq or entry.seq
            report.reason = problem
            break
        if entry.seq in wanted:
            hashes[entry.seq] = entry.hash
        expected_prev, expected_seq = entry.hash, expected_seq + 1
        report.entries += 1
    report.head_hash = expected_prev
    return hashes


def verify_change_log(incremental: bool = False) -> IntegrityReport:
    """The chain recomputed, then compared with every checkpoint in the table and the file.

    ``incremental`` recomputes only the entries after the newest trusted checkpoint, so
    a daily check at 100 million entries reads a day's entries, not all of them. It
    still finds the newest entries deleted, the table emptied and any rewrite that
    recomputed the chain through a checkpoint; what only the full check finds is an
    older entry altered without recomputing the chain after it. Run the full check too
    (the scheduled one weekly: ``AIMS_CHANGE_LOG_FULL_VERIFY_SECONDS``)."""
    report = IntegrityReport()
    table = [_from_row(row) for row in ChangeLogCheckpoint.objects.order_by("time")]
    in_file, file_problems = file_checkpoints()
    report.problems.extend(file_problems)

    table_ids = {c.identity for c in table}
    file_ids = {c.identity for c in in_file}
    for checkpoint in in_file:
        if checkpoint.identity not in table_ids:
            report.problems.append(
                f"The {checkpoint.describe()} is in {checkpoint_file().name} but no "
                "longer in the database (checkpoint rows deleted)."
            )
    if table and not in_file:
        report.warnings.append(
            f"{checkpoint_file()} is missing or empty although the database holds "
            f"{len(table)} checkpoints: restore it from a backup."
        )
    elif missing := [c for c in table if c.identity not in file_ids]:
        report.warnings.append(
            f"{len(missing)} checkpoints in the database are not in "
            f"{checkpoint_file().name} (the file was replaced or restored from an older backup)."
        )

    trusted = []
    for checkpoint in {c.identity: c for c in table + in_file}.values():
        if checkpoint.signed_by_this_portal():
            trusted.append(checkpoint)
        else:
            report.problems.append(
                f"The {checkpoint.describe()} does not carry this portal's signature "
                "(altered or forged)."
            )
    trusted.sort(key=lambda c: (c.seq, c.time))

    start = trusted[-1] if incremental and trusted else None
    hashes = _walk_chain(report, {c.seq for c in trusted}, start)
    report.checkpoints_checked = len(trusted)
    report.latest_checkpoint = trusted[-1] if trusted else None
    rewritten = [c for c in trusted if c.seq in hashes and hashes[c.seq] != c.head_hash]
    if rewritten:
        first = rewritten[0]
        report.problems.append(
            f"Entry #{first.seq} differs from the {first.describe()}: entries up to "
            "it were rewritten and the chain recomputed."
        )
    beyond = [c for c in trusted if c.seq not in hashes and c.seq > report.entries]
    if beyond and report.chain_ok:
        # The chain is intact but stops before a checkpoint's entry.
        newest = beyond[-1]
        removed = newest.seq - report.entries
        report.problems.append(
            f"The change log ends at entry #{report.entries} but the "
            f"{newest.describe()} recorded entry #{newest.seq}: {removed} newest "
            "entries were deleted"
            + (" (the table was emptied)." if report.entries == 0 else ".")
        )
    return report
