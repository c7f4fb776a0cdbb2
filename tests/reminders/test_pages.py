"""Notification pages: your own only, marking read, preferences, due items, the nav count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aims.models import Notification, NotificationPreference, ObjectChange

from .conftest import run, set_contact, system_due


@pytest.fixture
def alice_notified(alice, bob):
    system_due(alice, 3, name="Alice soon")
    system_due(alice, -2, name="Alice late")
    system_due(bob, 5, name="Bob soon")
    run()
    return list(Notification.objects.for_user(alice))


def test_the_navigation_shows_how_many_notifications_are_unread(
    alice, alice_notified, client_for
):
    client = client_for(alice)

    page = client.get(reverse("home")).content.decode()
    assert '>2<span class="visually-hidden"> unread</span>' in page

    client.post(reverse("notification_read_all"))
    page = client.get(reverse("home")).content.decode()
    assert "unread</span>" not in page
    assert ">Notifications</a>" in page


def test_people_see_only_their_own_notifications(
    alice, bob, alice_notified, client_for
):
    page = client_for(alice).get(reverse("notification_list")).content.decode()

    assert "Alice soon" in page and "Alice late" in page
    assert "Bob soon" not in page
    assert "2 notifications" in page


def test_marking_someone_elses_notification_read_is_a_404(
    alice, bob, alice_notified, client_for
):
    response = client_for(bob).post(
        reverse("notification_read", args=[alice_notified[0].pk])
    )

    assert response.status_code == 404
    alice_notified[0].refresh_from_db()
    assert alice_notified[0].read_at is None


def test_marking_one_notification_read_leaves_the_others_unread(
    alice, alice_notified, client_for
):
    client = client_for(alice)
    first = alice_notified[0]

    response = client.post(
        reverse("notification_read", args=[first.pk]),
        {"next": reverse("notification_list") + "?unread=true"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("notification_list") + "?unread=true"
    unread_page = client.get(response["Location"]).content.decode()
    assert first.title not in unread_page
    assert alice_notified[1].title in unread_page
    assert '>1<span class="visually-hidden"> unread</span>' in unread_page


def test_mark_all_read_says_how_many_and_ignores_outside_redirects(
    alice, alice_notified, client_for
):
    client = client_for(alice)

    response = client.post(
        reverse("notification_read_all"), {"next": "https://evil.example/"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("notification_list")
    assert "2 notifications marked read." in response.content.decode()
    assert Notification.objects.for_user(alice).unread().count() == 0


def test_my_due_items_shows_escalated_items_to_the_committee(
    alice, committee, client_for
):
    system_due(alice, -20, name="Forgotten model")
    system_due(alice, 10, name="Upcoming model")

    page = client_for(committee).get(reverse("due_items")).content.decode()

    assert "Forgotten model" in page and "Upcoming model" not in page
    assert "Escalated</span>" in page
    assert "Escalated to the governance committee" in page


def test_my_due_items_lists_my_own_items_with_their_status(alice, client_for):
    system_due(alice, -20, name="Forgotten model")
    system_due(alice, 0, name="Model due today")
    system_due(alice, 45, name="Far model")

    page = client_for(alice).get(reverse("due_items")).content.decode()

    assert page.index("Forgotten model") < page.index("Model due today")
    assert "Overdue by 20 days" in page and "Due today" in page
    assert "Far model" not in page


def test_preferences_are_saved_and_change_logged(alice, manager, client_for):
    client = client_for(alice)
    assert "Daily" in client.get(reverse("notification_preferences")).content.decode()

    response = client.post(
        reverse("notification_preferences"),
        {"digest_frequency": "weekly", "escalation_contact": manager.pk},
        follow=True,
    )

    assert "Your notification preferences were saved." in response.content.decode()
    preference = NotificationPreference.objects.get(user=alice)
    assert preference.digest_frequency == "weekly"
    assert preference.escalation_contact == manager
    assert ObjectChange.objects.filter(
        content_type__model="notificationpreference", user=alice
    ).exists()


def test_choosing_yourself_as_escalation_contact_is_refused_next_to_the_field(
    alice, client_for
):
    response = client_for(alice).post(
        reverse("notification_preferences"),
        {"digest_frequency": "daily", "escalation_contact": alice.pk},
    )

    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=alice).exists()


def test_changing_preferences_keeps_the_contact_someone_else_set(
    alice, manager, client_for
):
    set_contact(alice, manager)
    page = client_for(alice).get(reverse("notification_preferences")).content.decode()
    assert f'<option value="{manager.pk}" selected>' in page


def test_the_pages_need_a_login(client):
    for name in ("notification_list", "due_items", "notification_preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def _count(callable_):
    with CaptureQueriesContext(connection) as queries:
        response = callable_()
    assert response.status_code == 200
    return len(queries)


def test_the_notifications_page_runs_the_same_queries_for_4_and_60_notifications(
    alice, client_for, django_assert_max_num_queries
):
    client = client_for(alice)
    url = reverse("notification_list")
    for n in range(2):
        system_due(alice, 3 + n)
        system_due(alice, -1 - n)
    run()
    small = _count(lambda: client.get(url))
    for n in range(28):
        system_due(alice, 3 + n)
        system_due(alice, -1 - n)
    run()
    assert Notification.objects.for_user(alice).count() == 60
    print(f"\nnotifications page: {small} queries")

    with django_assert_max_num_queries(small):
        client.get(url)
    with django_assert_max_num_queries(small):
        client.get(url, {"unread": "true", "page": 2})


def test_my_due_items_runs_the_same_queries_for_4_and_60_items(
    alice, manager, client_for, django_assert_max_num_queries
):
    set_contact(alice, manager)
    client = client_for(alice)
    url = reverse("due_items")
    for n in range(2):
        system_due(alice, 3 + n)
        system_due(alice, -14 - n)
    small = _count(lambda: client.get(url))
    for n in range(28):
        system_due(alice, 3 + n)
        system_due(alice, -14 - n)
    print(f"\nmy due items page: {small} queries")

    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.content.decode().count("Escalated</span>") == 30


def test_administrators_change_the_schedule_in_the_admin_site(
    admin_user, manager, client_for
):
    client = client_for(admin_user)

    tasks = client.get("/admin/django_celery_beat/periodictask/").content.decode()
    assert "Review reminders (daily digest)" in tasks
    assert client.get("/admin/django_celery_beat/crontabschedule/").status_code == 200
    assert client.get("/admin/aims/notification/").status_code == 200
    assert client.get("/admin/aims/notificationpreference/add/").status_code == 200
    # Not the AIMS manager: they run the AIMS, not the portal.
    response = client_for(manager).get("/admin/django_celery_beat/periodictask/")
    assert response.status_code == 302
