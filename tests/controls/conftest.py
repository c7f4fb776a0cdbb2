import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from controls.models import Control, Evidence
from controls.services import evidence_save

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
    b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence files go to a fresh folder per test (through the storage API)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


def upload(name="report.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_evidence(owner, *, controls=(), upload_file=None, **fields) -> Evidence:
    fields.setdefault("title", "Test evidence")
    if upload_file is None and "url" not in fields:
        upload_file = upload()
    evidence = Evidence(owner=owner, **fields)
    return evidence_save(
        evidence=evidence,
        actor=owner,
        m2m={"controls": [Control.objects.get(control_id=c) for c in controls]},
        upload=upload_file,
    )
