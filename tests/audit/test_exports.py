"""Background exports: the XLSX of a large list built by a worker, with the page's
filters and its permission rule (no row and no linked title the requester may not
see), progress on the job page, the download, the API, 409 for a duplicate, and the
same outbox and reclaim as packs."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aims.models import ObjectChange
from aims.redaction import HIDDEN
from audit.choices import PackStatus
from audit.models import ExportJob, PackDispatch
from audit.services.exports import export_request
from controls.models import SoAEntry
from tests.controls.conftest import make_evidence
from tests.factories import make_risk
from tests.http import body

API = "/api/v1/exports/"


@pytest.fixture
def risks(alice_system, bob_system, risk_owner, manager):
    control = "A.6.2.4"
    alices = make_risk(
        risk_owner,
        alice_system,
        actor=manager,
        title="Screening bias",
        controls=[control],
    )
    bobs = make_risk(
        risk_owner,
        bob_system,
        actor=manager,
        title="Fraud model drift",
        controls=[control],
    )
    return alices, bobs


def _sheet(data: bytes) -> list[list[str]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    sheet = workbook.worksheets[0]
    return [
        [cell if cell is not None else "" for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def _column(rows, header):
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def _build(user, capture, **kwargs):
    with capture(execute=True):
        job = export_request(actor=user, **kwargs)
    job.refresh_from_db()
    assert job.status == PackStatus.READY, job.error
    return job


def _file(job) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def test_a_user_exports_the_risk_list_from_the_page_and_downloads_it(
    alice, risks, client_for, django_capture_on_commit_callbacks
):
    client = client_for(alice)
    page = client.get("/risks/").content.decode()
    assert "XLSX in the background" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("audit:exportjob_add"),
            {"list": "risks", "query": "page=2&export=xlsx", "format": "xlsx"},
        )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    detail = client.get(job.get_absolute_url()).content.decode()
    assert "Download XLSX" in detail and "Writing rows" not in detail
    download = client.get(job.download_url)
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    rows = _sheet(body(download))
    # Alice sees the risk of her system only, as on the page.
    assert _column(rows, "Title") == ["Screening bias"]
    assert job.row_count == 1 and job.progress_percent == 100
    assert (
        ObjectChange.objects.for_object(job).filter(event="export.ready").count() == 1
    )
    assert (
        "Your exports" in client.get(reverse("audit:exportjob_list")).content.decode()
    )


def test_the_export_applies_the_page_filters(
    manager, risks, alice_system, django_capture_on_commit_callbacks
):
    everything = _build(
        manager, django_capture_on_commit_callbacks, list_key="risks", query=""
    )
    assert sorted(_column(_sheet(_file(everything)), "Title")) == [
        "Fraud model drift",
        "Screening bias",
    ]
    filtered = _build(
        manager,
        django_capture_on_commit_callbacks,
        list_key="risks",
        query=f"ai_system={alice_system.pk}",
    )
    assert _column(_sheet(_file(filtered)), "Title") == ["Screening bias"]


def test_linked_records_the_requester_may_not_see_are_not_named(
    alice, manager, alice_system, bob_system, risks, django_capture_on_commit_callbacks
):
    alices, bobs = risks
    soa = _sheet(
        _file(_build(alice, django_capture_on_commit_callbacks, list_key="soa"))
    )
    row = next(r for r in soa[1:] if r[soa[0].index("Control ID")] == "A.6.2.4")
    cell = row[soa[0].index("Risks")]
    # A list of linked records names the visible ones and leaves the others out.
    assert alices.reference in cell and bobs.reference not in cell
    assert HIDDEN not in cell

    make_evidence(alice, controls=["A.6.2.4"], title="Shared test report")
    from controls.models import Evidence
    from controls.services import evidence_save

    item = Evidence.objects.get(title="Shared test report")
    evidence_save(
        evidence=item,
        actor=manager,
        m2m={"ai_systems": [alice_system, bob_system]},
    )
    sheet = _sheet(
        _file(_build(alice, django_capture_on_commit_callbacks, list_key="evidence"))
    )
    systems = _column(sheet, "AI systems")
    assert systems == [str(alice_system)]
    assert str(bob_system) not in str(sheet)


def test_only_the_requester_sees_an_export(
    alice, bob, risks, client_for, api_for, django_capture_on_commit_callbacks
):
    job = _build(alice, django_capture_on_commit_callbacks, list_key="risks")
    other = client_for(bob)
    assert other.get(job.get_absolute_url()).status_code == 404
    assert other.get(job.download_url).status_code == 404
    assert api_for(bob).get(API + f"{job.pk}/").status_code == 404
    assert api_for(bob).get(API).json()["count"] == 0


def test_the_api_requests_follows_and_downloads_an_export(
    manager, risks, alice_system, api_for, django_capture_on_commit_callbacks
):
    api = api_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            API,
            {"list": "risks", "filters": {"ai_system": alice_system.pk}},
            format="json",
        )
    assert response.status_code == 202, response.content
    detail = api.get(response["Location"]).json()
    assert detail["status"] == "ready" and detail["row_count"] == 1
    assert detail["query"] == f"ai_system={alice_system.pk}"
    download = api.get(detail["download_url"])
    assert download.status_code == 200
    assert _column(_sheet(body(download)), "Title") == ["Screening bias"]
    lists = {item["key"] for item in api.get(API + "lists/").json()}
    assert {"ai-systems", "risks", "soa", "evidence"} <= lists

    bad = api.post(API, {"list": "nothing", "format": "pdf"}, format="json")
    assert bad.status_code == 400 and "list" in bad.json()


def test_the_same_export_while_it_is_queued_answers_409_with_it(
    manager, risks, api_for
):
    api = api_for(manager)
    first = api.post(API, {"list": "risks"}, format="json")
    assert first.status_code == 202
    again = api.post(API, {"list": "risks"}, format="json")
    assert again.status_code == 409
    assert again.json()["export"]["reference"] == first.json()["reference"]
    assert again["Location"].endswith(f"/exports/{first.json()['id']}/")
    other = api.post(API, {"list": "risks", "format": "csv"}, format="json")
    assert other.status_code == 202
    assert PackDispatch.objects.filter(export__isnull=False).count() == 2


def test_a_list_the_user_may_not_see_is_refused_with_403(outsider, api_for, client_for):
    assert (
        api_for(outsider).post(API, {"list": "soa"}, format="json").status_code == 403
    )
    page = client_for(outsider).post(
        reverse("audit:exportjob_add"), {"list": "soa", "format": "xlsx"}
    )
    assert page.status_code == 403
    assert not ExportJob.objects.exists()


def test_the_soa_export_of_a_version_by_number(
    manager, risks, django_capture_on_commit_callbacks
):
    job = _build(
        manager,
        django_capture_on_commit_callbacks,
        list_key="soa",
        query="soa_version=1",
    )
    rows = _sheet(_file(job))
    assert len(rows) - 1 == SoAEntry.objects.filter(soa__number=1).count()


def test_the_job_list_reads_a_constant_number_of_queries(
    manager, risks, client_for, django_assert_max_num_queries
):
    client = client_for(manager)
    for size in (1, 12):
        while ExportJob.objects.count() < size:
            export_request(
                actor=manager,
                list_key="risks",
                query=f"search=x{ExportJob.objects.count()}",
            )
        with django_assert_max_num_queries(12):
            assert client.get(reverse("audit:exportjob_list")).status_code == 200
