"""The incident report pack (PDF): a serious incident's deadline, reports and timeline."""

import pytest

from audit.services import evidence_pack_request
from tests.audit.helpers import pdf_pages, stored_bytes

from .helpers import make_incident, make_serious, report_to_authority

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_the_pack_shows_the_deadline_the_report_and_the_timeline(
    django_capture_on_commit_callbacks, alice, manager, auditor, alice_system
):
    incident = make_serious(
        make_incident(alice_system, alice, time_zone="Europe/Berlin"), manager
    )
    report_to_authority(incident, manager)
    with django_capture_on_commit_callbacks(execute=True):
        pack = evidence_pack_request(
            kind="incident_report", target_id=incident.pk, parameters={}, actor=auditor
        )
    pack.refresh_from_db()
    assert pack.status == "ready", pack.error
    text = " ".join(pdf_pages(stored_bytes(pack)))
    assert incident.reference in text
    assert "Art. 73(2)" in text
    assert "Reported in time" in text
    assert "Bundesnetzagentur" in text and "MSA-2026-17" in text
    assert "Europe/Berlin" in text


def test_only_serious_incidents_are_targets(alice, manager, auditor, alice_system):
    from django.core.exceptions import ValidationError

    incident = make_incident(alice_system, alice)
    with pytest.raises(ValidationError):
        evidence_pack_request(
            kind="incident_report", target_id=incident.pk, parameters={}, actor=auditor
        )


def test_viewers_and_owners_may_not_request_it(alice, viewer, manager, alice_system):
    from django.core.exceptions import PermissionDenied

    incident = make_serious(make_incident(alice_system, alice), manager)
    for user in (alice, viewer):
        with pytest.raises(PermissionDenied):
            evidence_pack_request(
                kind="incident_report", target_id=incident.pk, parameters={}, actor=user
            )
