"""Each blocker of the readiness view appears when its condition holds and disappears
once the record that closes it is in place (issue 16: "incl. each blocker appearing and
disappearing"). Records are built through the apps' own services."""

import pytest
from django.utils import timezone

from aims.readiness import compute
from audit.services import effectiveness_verify, nonconformity_close, nonconformity_save
from impact.services import classification_record
from tests.audits.builders import complete, make_action
from tests.audits.test_reviews import raise_nc
from tests.incidents.helpers import make_incident, make_serious, report_to_authority

pytestmark = pytest.mark.django_db


def blocked_by(key: str) -> list[str]:
    today = timezone.localdate()
    for blocker in compute(today).blockers:
        if blocker.source.key == key:
            return [item.reference for item in blocker.items]
    raise AssertionError(f"no blocker source {key!r} is registered")


def test_an_open_major_nonconformity_blocks_until_closed_after_a_verified_action(
    manager, risk_owner
):
    assert blocked_by("audit.major_nc") == []
    nc = raise_nc(manager, risk_owner, timezone.localdate(), grade="major_nc")
    raise_nc(manager, risk_owner, timezone.localdate())  # a minor one never blocks
    assert blocked_by("audit.major_nc") == [nc.reference]

    action = complete(make_action(nc, manager, risk_owner), risk_owner)
    effectiveness_verify(action=action, actor=manager, effective=True, notes="Kept.")
    assert blocked_by("audit.major_nc") == [nc.reference]  # verified, not yet closed
    nc.refresh_from_db()
    nc.root_cause_method = "five_whys"
    nc.root_causes = ["Nobody was assigned to answer complaints."]
    nonconformity_save(nonconformity=nc, actor=manager)
    nonconformity_close(nonconformity=nc, actor=manager, note="Verified effective.")
    assert blocked_by("audit.major_nc") == []


def test_a_prohibited_system_blocks_until_it_is_reclassified(alice, alice_system):
    assert blocked_by("impact.prohibited") == []
    classification_record(
        system=alice_system,
        actor=alice,
        answers={"Art. 5(1)(f)": True},
        operator_role="deployer",
    )
    assert blocked_by("impact.prohibited") == [alice_system.reference]
    # Redesigned: the emotion-recognition use is gone and the system is classified anew.
    classification_record(
        system=alice_system, actor=alice, answers={}, operator_role="deployer"
    )
    assert blocked_by("impact.prohibited") == []


def test_a_serious_incident_past_its_deadline_blocks_until_reported(
    alice, manager, alice_system
):
    assert blocked_by("incidents.report_overdue") == []
    # Aware 20 days ago: even the longest Art. 73 deadline (15 days) has passed.
    incident = make_serious(
        make_incident(alice_system, alice, hours_ago=20 * 24), manager
    )
    fresh = make_serious(make_incident(alice_system, alice, hours_ago=2), manager)
    assert blocked_by("incidents.report_overdue") == [incident.reference]

    report_to_authority(incident, manager)
    assert blocked_by("incidents.report_overdue") == []
    assert fresh.reference not in blocked_by("incidents.report_overdue")
