"""Long unbroken values wrap in PDF packs: nothing an owner typed is lost at the page edge."""

import shutil
import subprocess

import pytest

from tests.factories import make_risk, make_system

from .helpers import request_pack, stored_bytes

# 200 characters without a space, distinct enough that a cut is noticed.
UNBROKEN = "".join(f"{n:03d}" for n in range(67))[:199] + "Z"


def pdf_text(data: bytes, tmp_path) -> str:
    """The text pdftotext extracts (what a reader copies or searches), spaces removed."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return "".join(text.split())


def test_a_200_character_unbroken_value_is_fully_extractable_from_the_pack(
    alice, risk_owner, auditor, django_capture_on_commit_callbacks, tmp_path
):
    assert len(UNBROKEN) == 200
    system = make_system(
        alice, name=f"N{UNBROKEN[:150]}", intended_purpose=f"P{UNBROKEN}"
    )
    make_risk(
        risk_owner,
        system,
        title=f"T{UNBROKEN[:150]}",
        consequence=f"C{UNBROKEN}",
        inherent_likelihood=3,
        inherent_impact=3,
    )

    pack = request_pack(auditor, system, capture=django_capture_on_commit_callbacks)

    text = pdf_text(stored_bytes(pack), tmp_path)
    for value in (f"P{UNBROKEN}", f"C{UNBROKEN}", f"T{UNBROKEN[:150]}"):
        assert value in text
