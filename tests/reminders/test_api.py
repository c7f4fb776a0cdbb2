"""API: /api/v1/notifications/, /api/v1/me/notification-preferences/, /api/v1/me/due-items/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aims import accounts
from aims.models import Notification, NotificationPreference, ObjectChange
from tests.factories import make_risk

from .conftest import days, run, set_contact, system_due

NOTIFICATIONS = "/api/v1/notifications/"
PREFERENCES = "/api/v1/me/notification-preferences/"


@pytest.fixture
def notified(alice, bob):
    system_due(alice, 3, name="Alice soon")
    system_due(alice, -2, name="Alice late")
    system_due(bob, 5, name="Bob soon")
    run()
    return {
        user.username: list(Notification.objects.for_user(user))
        for user in (alice, bob)
    }


def test_the_list_holds_only_the_callers_notifications(alice, notified, api_for):
    body = api_for(alice).get(NOTIFICATIONS).json()

    assert body["count"] == 2
    assert sorted(row["title"] for row in body["results"]) == [
        "Review AIS-0001 Alice soon",
        "Review AIS-0002 Alice late",
    ]
    row = next(r for r in body["results"] if "late" in r["title"])
    assert (row["kind"], row["read"], row["escalated"]) == ("overdue", False, False)
    assert row["source_label"] == "AI system review"
    assert row["url"] == f"/register/{row['object_id']}/"


def test_unread_filters_and_a_bad_filter_value_is_a_400_naming_the_field(
    alice, notified, api_for
):
    api = api_for(alice)
    api.post(f"{NOTIFICATIONS}{notified['alice'][0].pk}/mark-read/")

    assert api.get(NOTIFICATIONS, {"unread": "true"}).json()["count"] == 1
    assert api.get(NOTIFICATIONS, {"unread": "false"}).json()["count"] == 1
    response = api.get(NOTIFICATIONS, {"unread": "maybe"})
    assert response.status_code == 400
    assert "unread" in response.json()


def test_someone_elses_notification_is_a_404_to_read_and_to_mark(
    alice, bob, notified, api_for
):
    theirs = notified["bob"][0]
    api = api_for(alice)

    assert api.get(f"{NOTIFICATIONS}{theirs.pk}/").status_code == 404
    assert api.post(f"{NOTIFICATIONS}{theirs.pk}/mark-read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_and_mark_all_read(alice, bob, notified, api_for):
    api = api_for(alice)
    first = notified["alice"][0]

    response = api.post(f"{NOTIFICATIONS}{first.pk}/mark-read/")
    assert response.status_code == 200 and response.json()["read"] is True

    response = api.post(f"{NOTIFICATIONS}mark-all-read/")
    assert response.json() == {"marked": 1}
    assert Notification.objects.for_user(alice).unread().count() == 0
    assert Notification.objects.for_user(bob).unread().count() == 1


def test_anonymous_callers_get_401(notified, client):
    assert client.get(NOTIFICATIONS).status_code == 401
    assert client.get(PREFERENCES).status_code == 401


def test_preferences_default_to_a_daily_digest_without_contact(alice, api_for):
    assert api_for(alice).get(PREFERENCES).json() == {
        "digest_frequency": "daily",
        "escalation_contact": None,
    }


def test_preferences_are_changed_with_patch_and_put_and_change_logged(
    alice, manager, api_for
):
    api = api_for(alice)

    response = api.patch(PREFERENCES, {"escalation_contact": manager.pk})
    assert response.json() == {
        "digest_frequency": "daily",
        "escalation_contact": manager.pk,
    }
    response = api.put(
        PREFERENCES, {"digest_frequency": "weekly", "escalation_contact": None}
    )
    assert response.json() == {"digest_frequency": "weekly", "escalation_contact": None}
    assert NotificationPreference.objects.get(user=alice).digest_frequency == "weekly"
    entries = ObjectChange.objects.filter(
        content_type__model="notificationpreference", user=alice
    )
    assert entries.count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"digest_frequency": "hourly"}, "digest_frequency"),
        ({"escalation_contact": 999999}, "escalation_contact"),
        ({"escalation_contact": "maria"}, "escalation_contact"),
    ],
)
def test_bad_preferences_are_a_400_naming_the_field(alice, api_for, body, field):
    response = api_for(alice).patch(PREFERENCES, body)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not NotificationPreference.objects.filter(user=alice).exists()


def test_you_cannot_be_your_own_or_a_deactivated_escalation_contact(
    alice, manager, api_for
):
    api = api_for(alice)
    response = api.patch(PREFERENCES, {"escalation_contact": alice.pk})
    assert response.status_code == 400
    assert response.json() == {
        "escalation_contact": ["Choose someone other than yourself."]
    }

    accounts.user_update(user=manager, actor=None, is_active=False)
    response = api.patch(PREFERENCES, {"escalation_contact": manager.pk})
    assert response.status_code == 400 and "escalation_contact" in response.json()


def test_my_due_items_lists_what_is_due_and_what_was_escalated_to_me(
    alice, manager, api_for
):
    set_contact(alice, manager)
    system_due(alice, -9, name="Late model")
    system_due(alice, 12, name="Soon model")

    mine = api_for(alice).get("/api/v1/me/due-items/").json()
    theirs = api_for(manager).get("/api/v1/me/due-items/").json()

    assert [(r["title"], r["days_left"], r["kind"]) for r in mine] == [
        ("Review AIS-0001 Late model", -9, "escalated"),
        ("Review AIS-0002 Soon model", 12, "due_soon"),
    ]
    assert [(r["title"], r["reason"]) for r in theirs] == [
        ("Review AIS-0001 Late model", "escalation_contact")
    ]


def test_the_schema_documents_the_endpoints(admin_user, api_for):
    paths = api_for(admin_user).get("/api/schema/?format=json").json()["paths"]

    assert {
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/",
        "/api/v1/notifications/{id}/mark-read/",
        "/api/v1/notifications/mark-all-read/",
        "/api/v1/me/notification-preferences/",
        "/api/v1/me/due-items/",
    } <= set(paths)
    assert {"get", "put", "patch"} <= set(paths["/api/v1/me/notification-preferences/"])
    assert "404" in paths["/api/v1/notifications/{id}/mark-read/"]["post"]["responses"]


def test_the_api_list_runs_the_same_queries_for_4_and_60_notifications(
    alice, api_for, django_assert_max_num_queries
):
    api = api_for(alice)
    for n in range(2):
        system_due(alice, 3 + n)
        system_due(alice, -1 - n)
    run()
    with CaptureQueriesContext(connection) as queries:
        api.get(NOTIFICATIONS, {"page_size": 100})
    small = len(queries)
    for n in range(28):
        system_due(alice, 3 + n)
        system_due(alice, -1 - n)
    run()
    print(f"\nnotifications API list: {small} queries")

    with django_assert_max_num_queries(small):
        response = api.get(NOTIFICATIONS, {"page_size": 100})
    assert response.json()["count"] == 60


def test_notifications_filter_by_source_and_an_unknown_source_is_a_400(
    risk_owner, api_for
):
    make_risk(risk_owner, title="Drift", next_review_date=days(-1))
    system_due(risk_owner, 2)
    run()
    api = api_for(risk_owner)

    assert api.get(NOTIFICATIONS, {"source": "risk.risk_review"}).json()["count"] == 1
    systems = api.get(NOTIFICATIONS, {"source": "registry.aisystem_review"}).json()
    assert [row["title"] for row in systems["results"]] == [
        "Review AIS-0001 System due in 2"
    ]
    response = api.get(NOTIFICATIONS, {"source": "nonsense"})
    assert response.status_code == 400 and "source" in response.json()
