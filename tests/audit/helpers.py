"""Helpers of the evidence-pack tests."""

import hashlib
import io

from django.core.files.storage import default_storage
from pypdf import PdfReader

from audit.services import evidence_pack_request


def request_pack(user, system, *, capture, parameters=None):
    """Request an AI system pack; its build runs in-process when the request commits
    (``capture`` is pytest-django's ``django_capture_on_commit_callbacks``)."""
    with capture(execute=True):
        pack = evidence_pack_request(
            kind="ai_system",
            target_id=system.pk,
            parameters=parameters or {},
            actor=user,
        )
    pack.refresh_from_db()
    return pack


def stored_bytes(pack) -> bytes:
    with default_storage.open(pack.file.name, "rb") as handle:
        return handle.read()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def files_under(directory: str) -> list[str]:
    try:
        return sorted(default_storage.listdir(directory)[1])
    except FileNotFoundError:
        return []
