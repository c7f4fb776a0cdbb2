"""Evidence files missing from storage or altered are found, reported and alerted;
downloading a missing one is a 410 page saying so, never a 500."""

import json
from io import StringIO

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from controls.integrity import verify_evidence_files
from controls.tasks import evidence_verify_task

from .conftest import make_evidence, upload


@pytest.fixture
def two_files(manager):
    first = make_evidence(manager, title="Bias test report")
    second = make_evidence(
        manager,
        title="Data quality log",
        upload_file=upload("quality.csv", b"metric,value\n", "text/csv"),
    )
    return first.files.get(), second.files.get()


def test_an_intact_store_verifies(two_files):
    report = verify_evidence_files()
    assert report.ok and report.checked == 2
    out = StringIO()
    call_command("verify_evidence", stdout=out)
    assert "2 checked" in out.getvalue()


def test_missing_and_altered_files_are_named(two_files, auditor):
    missing, altered = two_files
    default_storage.delete(missing.file.name)
    default_storage.delete(altered.file.name)
    default_storage.save(altered.file.name, upload("quality.csv", b"forged\n"))

    report = verify_evidence_files()
    assert [p.problem for p in report.problems] == ["missing", "altered"]
    assert "Bias test report" in report.problems[0].describe()
    out = StringIO()
    with pytest.raises(CommandError, match="1 missing, 1 altered, of 2 checked"):
        call_command("verify_evidence", "--json", stdout=out)
    assert json.loads(out.getvalue())["missing"] == 1

    auditor.email = "audrey@example.org"
    auditor.save()
    result = evidence_verify_task.delay().get()
    assert result["alerted"] == 1 and not result["ok"]
    assert "1 missing, 1 altered" in mail.outbox[-1].subject
    assert "Data quality log" in mail.outbox[-1].body


def test_downloading_a_missing_file_is_a_410_page_and_api_answer(
    two_files, manager, client_for, api_for, caplog
):
    missing, _ = two_files
    default_storage.delete(missing.file.name)

    page = client_for(manager).get(missing.get_absolute_url())
    assert page.status_code == 410
    assert "missing from the portal&#x27;s storage" in page.content.decode()
    assert "Evidence file missing from storage" in caplog.text

    api = api_for(manager).get(f"/api/v1/evidence/{missing.evidence_id}/download/")
    assert api.status_code == 410
    assert api.json()["sha256"] == missing.sha256


def test_the_check_is_scheduled():
    from django.conf import settings

    assert (
        settings.CELERY_BEAT_SCHEDULE["evidence-verify"]["task"]
        == "controls.evidence_verify"
    )
