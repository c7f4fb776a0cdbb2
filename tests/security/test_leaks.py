"""Nothing shows a reader the name of a record they may not see: history pages and
API, the change log's API list, the escalation contact, SoA counts, restricted flags."""

from django.urls import reverse

from controls.models import Evidence
from controls.services import evidence_save
from tests.controls.conftest import make_evidence, media_root  # noqa: F401


def _evidence_naming_both_systems(alice, alice_system, bob_system, manager):
    evidence = make_evidence(alice, title="Shared test report")
    evidence = Evidence.objects.get(pk=evidence.pk)
    return evidence_save(
        evidence=evidence,
        actor=manager,
        m2m={"ai_systems": [alice_system, bob_system]},
    )


def test_an_owner_reads_evidence_history_without_other_owners_system_names(
    alice, bob, alice_system, bob_system, manager, client_for, api_for
):
    evidence = _evidence_naming_both_systems(alice, alice_system, bob_system, manager)
    page = client_for(alice).get(reverse("controls:evidence_history", args=[evidence.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alice&#x27;s CV screener" in html or "Alice's CV screener" in html
    assert "Bob" not in html and "fraud model" not in html
    assert "a record you may not see" in html

    api = api_for(alice).get(f"/api/v1/evidence/{evidence.pk}/history/")
    assert api.status_code == 200
    assert "fraud model" not in api.content.decode()
    assert "fraud model" in api_for(manager).get(
        f"/api/v1/evidence/{evidence.pk}/history/"
    ).content.decode()


def test_the_change_log_list_is_a_403_for_roles_without_it(viewer, alice, auditor, api_for):
    assert api_for(viewer).get("/api/v1/change-log/").status_code == 403
    assert api_for(alice).get("/api/v1/change-log/").status_code == 403
    assert api_for(auditor).get("/api/v1/change-log/").status_code == 200


def test_an_escalation_contact_is_someone_who_may_see_the_owners_records(
    alice, bob, manager, client_for, api_for
):
    page = client_for(alice).get(reverse("notification_preferences"))
    html = page.content.decode()
    assert "Maria" in html and "Bob" not in html  # bob's role sees only his own
    refused = client_for(alice).post(
        reverse("notification_preferences"),
        {"digest_frequency": "daily", "escalation_contact": bob.pk},
    )
    assert refused.status_code == 400
    api = api_for(alice).put(
        "/api/v1/me/notification-preferences/",
        {"digest_frequency": "daily", "escalation_contact": bob.pk},
        format="json",
    )
    assert api.status_code == 400 and "escalation_contact" in api.json()


def test_a_contact_who_lost_sight_of_the_record_hears_of_it_without_its_title(
    alice, manager, settings
):
    import datetime

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from aims import accounts, roles
    from aims.models import Notification
    from aims.notifications import notification_preference_save, reminders_send
    from tests.factories import make_system

    settings.AIMS_REMINDER_LEAD_DAYS = (30, 7)
    settings.AIMS_ESCALATION_DAYS = (7, 14)
    today = timezone.localdate()
    make_system(
        alice,
        name="Alice's secret model",
        next_review_date=today - datetime.timedelta(days=8),
    )
    notification_preference_save(
        user=alice, actor=alice, digest_frequency="daily", escalation_contact=manager
    )
    # Later Maria's role changes to one that sees only her own systems.
    accounts.user_set_roles(
        user=manager, roles=[Group.objects.get(name=roles.AI_SYSTEM_OWNER)]
    )
    reminders_send(today=today)
    note = Notification.objects.get(recipient=manager)
    assert note.reason == Notification.Reason.ESCALATION_CONTACT
    assert "secret" not in note.title and note.url == ""
    assert "an item you may not see" in note.title
    owner_note = Notification.objects.get(recipient=alice)
    assert "Alice's secret model" in owner_note.title


def test_soa_rows_count_only_the_risks_the_reader_may_see(
    alice, risk_owner, manager, alice_system, bob_system, api_for, client_for
):
    from tests.factories import make_risk

    make_risk(risk_owner, bob_system, controls=["A.2.2"], title="Bob's hidden risk")
    make_risk(risk_owner, alice_system, controls=["A.2.2"], title="Alice's risk")

    def count(user):
        rows = api_for(user).get("/api/v1/soa-entries/?page_size=100").json()["results"]
        return next(r for r in rows if r["control"]["control_id"] == "A.2.2")["risk_count"]

    assert count(manager) == 2
    assert count(alice) == 1
    page = client_for(alice).get(reverse("controls:soa"))
    assert page.status_code == 200


def test_only_a_manager_lifts_the_restriction_on_evidence(alice, manager, api_for):
    evidence = make_evidence(alice, title="Salary data", restricted=True)
    lifted = api_for(alice).patch(
        f"/api/v1/evidence/{evidence.pk}/", {"restricted": False}, format="json"
    )
    assert lifted.status_code == 403
    evidence.refresh_from_db()
    assert evidence.restricted
    # The owner may still restrict and edit other fields; a manager may lift it.
    assert api_for(alice).patch(
        f"/api/v1/evidence/{evidence.pk}/", {"title": "Salary data 2026"}, format="json"
    ).status_code == 200
    assert api_for(manager).patch(
        f"/api/v1/evidence/{evidence.pk}/", {"restricted": False}, format="json"
    ).status_code == 200
