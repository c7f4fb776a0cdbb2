"""Evidence files checked against the SHA-256 recorded when they were uploaded.

A file can go missing from storage (a restore that missed the media, a bucket policy)
or change behind the portal's back. ``verify_evidence_files()`` reads every stored file
back, streaming, and reports the missing and the altered ones by evidence item and
version; ``manage.py verify_evidence`` and the scheduled task ``controls.evidence_verify``
run it, and the task alerts like the change-log check. A download of a missing file
answers 410 with a page that says so, and logs it.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from django.core.files.storage import default_storage

from .models import EvidenceFile

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024


@dataclass
class FileProblem:
    evidence_id: int
    evidence: str
    version: int
    storage_name: str
    problem: str  # "missing" or "altered"
    expected_sha256: str
    actual_sha256: str = ""

    def describe(self) -> str:
        if self.problem == "missing":
            return (
                f"{self.evidence} v{self.version}: file missing ({self.storage_name})"
            )
        return (
            f"{self.evidence} v{self.version}: file altered ({self.storage_name}: "
            f"SHA-256 {self.actual_sha256}, recorded {self.expected_sha256})"
        )


@dataclass
class EvidenceReport:
    checked: int = 0
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def missing(self) -> list[FileProblem]:
        return [p for p in self.problems if p.problem == "missing"]

    @property
    def altered(self) -> list[FileProblem]:
        return [p for p in self.problems if p.problem == "altered"]

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "missing": len(self.missing),
            "altered": len(self.altered),
            "problems": [p.describe() for p in self.problems],
        }


def stored_sha256(name: str) -> str | None:
    """The SHA-256 of a stored file, or None when storage does not have it."""
    try:
        if not default_storage.exists(name):
            return None
        digest = hashlib.sha256()
        with default_storage.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def verify_evidence_files() -> EvidenceReport:
    report = EvidenceReport()
    files = (
        EvidenceFile.objects.select_related("evidence")
        .order_by("evidence_id", "number")
        .iterator(chunk_size=500)
    )
    for stored in files:
        report.checked += 1
        actual = stored_sha256(stored.file.name)
        if actual == stored.sha256:
            continue
        problem = FileProblem(
            evidence_id=stored.evidence_id,
            evidence=str(stored.evidence),
            version=stored.number,
            storage_name=stored.file.name,
            problem="missing" if actual is None else "altered",
            expected_sha256=stored.sha256,
            actual_sha256=actual or "",
        )
        logger.error("Evidence integrity: %s", problem.describe())
        report.problems.append(problem)
    return report
