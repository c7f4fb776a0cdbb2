"""The document register: four-eyes approval, publication, acknowledgements, evidence."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aims import roles
from aims.models import ObjectChange
from controls.models import Control, Evidence
from controls.selectors import soa_rows
from controls.services import soa_current
from governance.models import DocumentVersion
from governance.services import (
    FrozenRecord,
    acknowledge,
    acknowledgement_status,
    document_publish,
    document_version_approve,
    document_version_save,
    to_acknowledge,
)
from tests.factories import make_user

from .helpers import approved_version, make_document, make_version


def test_nobody_approves_their_own_version(manager):
    other_manager = make_user("mo", roles.AIMS_MANAGER)
    document = make_document(manager, doc_type="procedure")
    version = make_version(document, manager)
    with pytest.raises(PermissionDenied, match="four eyes"):
        document_version_approve(version=version, actor=manager)
    document_version_approve(version=version, actor=other_manager)
    version.refresh_from_db()
    assert version.status == "approved"
    assert version.approver == other_manager


def test_the_ai_policy_needs_the_committee(manager, committee):
    other_manager = make_user("mo", roles.AIMS_MANAGER)
    document = make_document(manager, doc_type="ai_policy")
    version = make_version(document, manager)
    with pytest.raises(PermissionDenied, match="committee"):
        document_version_approve(version=version, actor=other_manager)
    document_version_approve(
        version=version, actor=committee, comment="Approved by the board."
    )
    event = ObjectChange.objects.filter(event="document.version_approved").get()
    assert "approved by" in event.message


def test_an_approved_version_is_frozen_and_the_previous_one_superseded(
    manager, committee
):
    document = make_document(manager)
    first = approved_version(document, manager, committee)
    with pytest.raises(FrozenRecord):
        first.text = "Changed after approval"
        document_version_save(version=first, actor=manager)
    second = approved_version(document, manager, committee, text="Second text")
    first.refresh_from_db()
    assert first.status == "superseded"
    assert second.status == "approved"


def test_only_an_approved_version_is_published(manager, committee):
    document = make_document(manager)
    draft = make_version(document, manager)
    with pytest.raises(ValidationError, match="approved"):
        document_publish(
            version=draft, actor=manager, groups=Group.objects.filter(name=roles.VIEWER)
        )


def test_people_acknowledge_and_a_new_version_asks_again(manager, committee, viewer):
    second_viewer = make_user("vera", roles.VIEWER)
    document = make_document(manager, doc_type="ai_policy")
    first = approved_version(document, manager, committee)
    document_publish(
        version=first, actor=manager, groups=Group.objects.filter(name=roles.VIEWER)
    )
    assert list(to_acknowledge(viewer)) == [first]
    acknowledge(version=first, user=viewer)
    status = acknowledgement_status(first)
    assert [p for p, _ in status.acknowledged] == [viewer]
    assert status.missing == [second_viewer]
    assert status.percent == 50
    assert list(to_acknowledge(viewer)) == []

    second = approved_version(document, manager, committee, text="New text")
    document_publish(
        version=second, actor=manager, groups=Group.objects.filter(name=roles.VIEWER)
    )
    assert list(to_acknowledge(viewer)) == [second]
    assert acknowledgement_status(second).percent == 0


def test_someone_outside_the_audience_cannot_acknowledge(manager, committee, alice):
    document = make_document(manager)
    version = approved_version(document, manager, committee)
    document_publish(
        version=version, actor=manager, groups=Group.objects.filter(name=roles.VIEWER)
    )
    with pytest.raises(PermissionDenied):
        acknowledge(version=version, user=alice)


def test_an_approved_version_is_evidence_on_its_control_and_in_coverage(
    manager, committee, client_for
):
    document = make_document(manager, doc_type="ai_policy", controls=["A.2.2"])
    version = approved_version(document, manager, committee)
    evidence = version.evidence
    assert evidence is not None
    assert evidence.files.get().sha256
    control = Control.objects.get(control_id="A.2.2")
    assert list(control.evidence.all()) == [evidence]
    page = client_for(manager).get(
        reverse("controls:control_detail", args=[control.pk])
    )
    assert evidence.reference in page.content.decode()
    # The SoA row (and so SoA and crosswalk coverage) counts it as current evidence.
    rows = {row.control.control_id: row for row in soa_rows(soa_current())}
    assert rows["A.2.2"].current_evidence_count == 1


def test_a_superseded_version_s_evidence_expires(manager, committee):
    document = make_document(manager, controls=["A.2.2"])
    first = approved_version(document, manager, committee)
    approved_version(document, manager, committee, text="v2")
    first.evidence.refresh_from_db()
    assert first.evidence.valid_until is not None
    assert Evidence.objects.filter(document_versions__document=document).count() == 2


def test_a_version_file_goes_through_the_upload_checks(manager):
    document = make_document(manager)
    bad = SimpleUploadedFile(
        "policy.exe", b"MZ\x90\x00binary", content_type="application/octet-stream"
    )
    with pytest.raises(ValidationError) as caught:
        document_version_save(
            version=DocumentVersion(document=document, change_summary="x"),
            actor=manager,
            upload=bad,
        )
    assert "file" in caught.value.message_dict
    assert not DocumentVersion.objects.filter(document=document).exists()


def test_the_api_refuses_self_approval_and_edits_of_approved_versions(
    manager, committee, api_for
):
    document = make_document(manager, doc_type="ai_policy")
    api = api_for(manager)
    created = api.post(
        "/api/v1/document-versions/",
        {"document": document.pk, "text": "# AI policy", "change_summary": "First"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert (
        api.post(
            f"/api/v1/document-versions/{pk}/approve/", {}, format="json"
        ).status_code
        == 403
    )
    approved = api_for(committee).post(
        f"/api/v1/document-versions/{pk}/approve/", {"comment": "ok"}, format="json"
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    assert approved.json()["sha256"]
    edit = api.patch(
        f"/api/v1/document-versions/{pk}/", {"text": "changed"}, format="json"
    )
    assert edit.status_code == 403
    published = api.post(
        f"/api/v1/document-versions/{pk}/publish/",
        {"groups": [roles.VIEWER]},
        format="json",
    )
    assert published.status_code == 201, published.json()


def test_the_api_says_by_field_what_is_wrong(manager, api_for):
    document = make_document(manager)
    response = api_for(manager).post(
        "/api/v1/document-versions/",
        {"document": document.pk, "change_summary": "No text"},
        format="json",
    )
    assert response.status_code == 400
    assert "text" in response.json()


def test_a_viewer_acknowledges_on_the_page_and_over_the_api(
    manager, committee, viewer, client_for, api_for
):
    document = make_document(manager)
    version = approved_version(document, manager, committee)
    document_publish(
        version=version, actor=manager, groups=Group.objects.filter(name=roles.VIEWER)
    )
    pending = api_for(viewer).get("/api/v1/to-acknowledge/")
    assert [row["id"] for row in pending.json()] == [version.pk]
    client = client_for(viewer)
    page = client.get(reverse("governance:read", args=[version.pk]))
    assert "I have read" in page.content.decode()
    assert client.post(reverse("governance:read", args=[version.pk])).status_code == 302
    assert api_for(viewer).get("/api/v1/to-acknowledge/").json() == []
    again = api_for(viewer).post(f"/api/v1/document-versions/{version.pk}/acknowledge/")
    assert again.status_code == 201
