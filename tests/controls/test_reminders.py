"""The controls app plugs into the reminder run: effectiveness checks, implementation
targets and evidence expiry reach their owners."""

import datetime

from aims.models import Notification
from aims.notifications import reminders_send
from controls.models import ControlCheck, SoAEntry
from controls.services import control_check_save, soa_current, soa_entry_save

from .conftest import make_evidence

TODAY = datetime.date.today()


def titles(user):
    return sorted(Notification.objects.for_user(user).values_list("title", flat=True))


def own_row(owner, control_id, **fields):
    entry = SoAEntry.objects.get(soa=soa_current(), control__control_id=control_id)
    entry.applicable, entry.justification, entry.owner = True, "Ours.", owner
    for name, value in fields.items():
        setattr(entry, name, value)
    return soa_entry_save(entry=entry, actor=None)


def test_a_control_check_falls_due_one_period_after_the_last(risk_owner, manager):
    own_row(risk_owner, "A.6.2.6", test_frequency_days=90)
    control_check_save(
        check=ControlCheck(
            control_id=SoAEntry.objects.get(
                soa=soa_current(), control__control_id="A.6.2.6"
            ).control_id,
            performed_by=manager,
            result="pass",
            checked_on=TODAY - datetime.timedelta(days=60),
        ),
        actor=manager,
    )
    reminders_send(today=TODAY)
    assert titles(risk_owner) == [
        "Effectiveness check of A.6.2.6 AI system operation and monitoring"
    ]
    assert Notification.objects.get().due_date == TODAY + datetime.timedelta(days=30)
    reminders_send(today=TODAY)
    assert Notification.objects.count() == 1


def test_implementation_targets_and_evidence_expiry_reach_their_owners(
    risk_owner, manager
):
    own_row(
        risk_owner,
        "A.9.2",
        implementation_status="planned",
        target_date=TODAY + datetime.timedelta(days=7),
    )
    evidence = make_evidence(
        manager,
        url="https://wiki.example.org/raci",
        upload_file=None,
        collected_on=TODAY - datetime.timedelta(days=300),
        valid_until=TODAY - datetime.timedelta(days=1),
    )
    reminders_send(today=TODAY)
    assert titles(risk_owner) == [
        "Implement A.9.2 Processes for responsible use of AI systems"
    ]
    assert titles(manager) == [f"Renew evidence {evidence}"]
    assert Notification.objects.get(recipient=manager).kind == "overdue"
