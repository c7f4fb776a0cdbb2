"""Two-factor sign-in (TOTP and recovery codes): required per role, enrolment with a QR
code drawn on the server, the code after the password, re-authentication, API tokens."""

import re
import time

import pytest
from django.core import checks
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from aims import mfa, roles
from aims.events import event_label
from aims.models import ObjectChange
from aims.reauth import SESSION_KEY as REAUTH_KEY
from tests.factories import TEST_PASSWORD

REQUIRED = [roles.ADMINISTRATOR, roles.GOVERNANCE_COMMITTEE]


@pytest.fixture(autouse=True)
def _committee_and_administrators_must(settings):
    settings.AIMS_MFA_REQUIRED_ROLES = REQUIRED


def code_for(device, *, steps_ahead=0):
    """What the user's authenticator app shows (optionally a later 30 s step)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def sign_in(user):
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302, "the password itself is right"
    return client, response


def enrolled(user):
    """A user who set up an app and holds recovery codes, as after enrolment."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    codes = mfa._issue_recovery_codes(user)
    return device, codes


def signed_in_and_verified(user):
    """A session that entered a code from the app after the password."""
    device, codes = enrolled(user)
    client, _ = sign_in(user)
    assert client.post(reverse("mfa_verify"), {"otp_token": code_for(device)}).url
    return client, device, codes


def events_on(user, event):
    return ObjectChange.objects.filter(
        event=event, content_type__model="user", object_id=str(user.pk)
    )


def test_a_committee_member_must_enrol_before_reaching_anything(committee):
    client, response = sign_in(committee)
    page = client.get(response.url, follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("mfa_enrol"))
    html = page.content.decode()
    assert "Your role requires a second factor" in html
    assert "<svg" in html and "mfa-qr" in html, "the QR code is drawn on the page"
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    device = TOTPDevice.objects.get(user=committee, confirmed=False)
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', html).group(1)
    assert secret.replace(" ", "") in device.config_url

    # Nothing else opens: pages go to enrolment, the session API answers 403.
    assert client.get("/risks/").url.startswith(reverse("mfa_enrol"))
    api = client.get("/api/v1/users/me/")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"


def test_enrolment_needs_a_right_code_and_then_shows_recovery_codes_once(committee):
    client, _ = sign_in(committee)
    client.get(reverse("mfa_enrol"))
    device = TOTPDevice.objects.get(user=committee, confirmed=False)

    wrong = client.post(reverse("mfa_enrol"), {"otp_token": "000000"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=committee, confirmed=True).exists()
    assert client.get("/").status_code == 302

    # A wrong code slows the next try down; the app's next code works after that.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    done = client.post(
        reverse("mfa_enrol"), {"otp_token": code_for(device), "next": "/risks/"}
    )
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    assert len(codes) == mfa.RECOVERY_CODE_COUNT
    assert 'href="/risks/"' in done.content.decode()
    assert client.get("/").status_code == 200, "this session is verified"
    assert ObjectChange.objects.filter(
        event="user.mfa_enrolled", object_id=str(committee.pk)
    ).exists()
    assert "<li>" + codes[0] not in client.get(reverse("mfa")).content.decode()


def test_an_enrolled_user_enters_a_code_after_the_password_every_time(admin_user):
    device, codes = enrolled(admin_user)
    client, response = sign_in(admin_user)
    page = client.get("/controls/")
    assert page.status_code == 302
    assert page.url == f"{reverse('mfa_verify')}?next=%2Fcontrols%2F"

    wrong = client.post(reverse("mfa_verify"), {"otp_token": "123456"})
    assert wrong.status_code == 400
    assert client.get("/controls/").status_code == 302

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    right = client.post(
        reverse("mfa_verify"), {"otp_token": code_for(device), "next": "/controls/"}
    )
    assert right.status_code == 302 and right.url == "/controls/"
    assert client.get("/controls/").status_code == 200


def test_a_recovery_code_signs_in_once(admin_user):
    _, codes = enrolled(admin_user)
    first, _ = sign_in(admin_user)
    assert first.post(reverse("mfa_verify"), {"otp_token": codes[0]}).status_code == 302
    assert first.get("/").status_code == 200
    again, _ = sign_in(admin_user)
    assert again.post(reverse("mfa_verify"), {"otp_token": codes[0]}).status_code == 400
    assert again.get("/").status_code == 302
    assert mfa.mfa_recovery_codes_left(admin_user) == mfa.RECOVERY_CODE_COUNT - 1


def test_guessing_codes_is_slowed_down(admin_user):
    device, _ = enrolled(admin_user)
    client, _ = sign_in(admin_user)
    client.post(reverse("mfa_verify"), {"otp_token": "999999"})
    # Right after a wrong code even the right one is refused (exponential back-off).
    refused = client.post(reverse("mfa_verify"), {"otp_token": code_for(device)})
    assert refused.status_code == 400
    assert client.get("/").status_code == 302


def test_a_manager_whose_role_does_not_require_it_signs_in_with_the_password(manager):
    client, response = sign_in(manager)
    assert client.get(response.url).status_code == 200
    assert client.get("/risks/").status_code == 200


def test_a_viewer_who_opted_in_is_asked_and_may_turn_it_off(viewer):
    device, _ = enrolled(viewer)
    client, _ = sign_in(viewer)
    assert client.get("/").url.startswith(reverse("mfa_verify"))
    client.post(reverse("mfa_verify"), {"otp_token": code_for(device)})
    assert client.get(reverse("mfa")).status_code == 200
    assert client.post(reverse("mfa_turn_off")).status_code == 302
    assert not TOTPDevice.objects.filter(user=viewer).exists()
    assert not StaticDevice.objects.filter(user=viewer).exists()
    assert events_on(viewer, "user.mfa_removed").get().user == viewer
    fresh, response = sign_in(viewer)
    assert fresh.get(response.url).status_code == 200


def test_moving_to_another_app_is_recorded_as_a_replacement(viewer):
    """The earlier app stops working: the change log says so, not "set up" again."""
    client, old, _ = signed_in_and_verified(viewer)
    assert client.get(reverse("mfa_enrol")).status_code == 200
    new = TOTPDevice.objects.get(user=viewer, confirmed=False)
    done = client.post(reverse("mfa_enrol"), {"otp_token": code_for(new)})
    assert done.status_code == 200
    assert list(TOTPDevice.objects.filter(user=viewer)) == [new]
    entry = events_on(viewer, "user.mfa_replaced").get()
    assert entry.user == viewer and "earlier one no longer works" in entry.message
    assert not events_on(viewer, "user.mfa_enrolled").exists()
    assert event_label("user.mfa_replaced") == "Authenticator app replaced"


def test_an_administrator_resets_a_lost_second_factor_on_the_change_log(
    admin_user, committee, manager
):
    """Whose factor, by whom and when are on the user's record; the factor stops
    working at once, in the session it verified too."""
    admin, _, _ = signed_in_and_verified(admin_user)
    member, _, codes = signed_in_and_verified(committee)
    assert member.get("/").status_code == 200
    before = ObjectChange.objects.count()

    response = admin.post(
        reverse("admin:aims_user_changelist"),
        {
            "action": "reset_second_factor",
            "_selected_action": [committee.pk, manager.pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    assert f"Two-factor sign-in reset for {committee.username}" in (
        response.content.decode()
    )
    assert not TOTPDevice.objects.filter(user=committee).exists()
    assert not StaticDevice.objects.filter(user=committee).exists()
    entry = events_on(committee, "user.mfa_reset").get()
    assert entry.user == admin_user and entry.user_name == admin_user.username
    assert entry.time is not None and entry.seq > before
    assert entry.message == (
        f"{admin_user.username} reset the two-factor sign-in of {committee.username}: "
        f"the authenticator app and {len(codes)} unused recovery codes removed"
    )
    assert entry.postchange_data == {
        "authenticator_apps": 1,
        "recovery_codes": len(codes),
    }
    label = event_label("user.mfa_reset")
    assert label == "Two-factor sign-in reset by an administrator"
    # The manager had no second factor: nothing to reset, nothing recorded.
    assert ObjectChange.objects.count() == before + 1
    page = admin.get(reverse("changelog")).content.decode()
    assert label in page and entry.message in page
    # The committee member's verified session now has to set up a new app.
    assert member.get("/").url.startswith(reverse("mfa_enrol"))
    assert mfa.mfa_verify_code(user=committee, token=codes[0]) is None


def test_the_admin_site_shows_devices_but_cannot_change_or_delete_them(
    admin_user, committee
):
    """Deleting or editing a device there would bypass the change log."""
    admin, _, _ = signed_in_and_verified(admin_user)
    device, _ = enrolled(committee)
    changelist = admin.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    change = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    moved = admin.post(change, {"user": admin_user.pk, "name": "mine"})
    assert moved.status_code == 403
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    assert admin.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    codes = reverse("admin:otp_static_staticdevice_changelist")
    assert "delete_selected" not in admin.get(codes).content.decode()
    assert TOTPDevice.objects.get(pk=device.pk).user == committee


def test_a_role_that_requires_it_cannot_turn_it_off(committee):
    device, _ = enrolled(committee)
    client, _ = sign_in(committee)
    client.post(reverse("mfa_verify"), {"otp_token": code_for(device)})
    assert "Turn off" not in client.get(reverse("mfa")).content.decode()
    assert client.post(reverse("mfa_turn_off")).status_code == 403
    assert TOTPDevice.objects.filter(user=committee, confirmed=True).exists()


def test_a_role_given_during_a_session_is_enforced_within_a_minute(manager, settings):
    client, _ = sign_in(manager)
    assert client.get("/").status_code == 200
    settings.AIMS_MFA_REQUIRED_ROLES = [roles.AIMS_MANAGER]
    session = client.session
    session[mfa.CLEARED_KEY] = int(time.time()) - mfa.RECHECK_SECONDS - 1
    session.save()
    assert client.get("/").url.startswith(reverse("mfa_enrol"))


def test_reauthentication_before_an_approval_asks_for_the_code_too(committee):
    device, _ = enrolled(committee)
    client, _ = sign_in(committee)
    client.post(reverse("mfa_verify"), {"otp_token": code_for(device)})
    session = client.session
    session[REAUTH_KEY] = int(time.time()) - 3600
    session.save()
    target = f"{reverse('reauthenticate')}?next=/controls/"
    assert 'name="otp_token"' in client.get(target).content.decode()

    password_only = client.post(target, {"password": TEST_PASSWORD})
    assert password_only.status_code == 400
    assert "That code is not right" in password_only.content.decode()
    both = client.post(
        target,
        {"password": TEST_PASSWORD, "otp_token": code_for(device, steps_ahead=1)},
    )
    assert both.status_code == 302 and both.url == "/controls/"


def test_reauthentication_without_a_second_factor_asks_for_the_password(manager):
    client, _ = sign_in(manager)
    page = client.get(reverse("reauthenticate"))
    assert 'name="otp_token"' not in page.content.decode()


def test_an_existing_api_token_keeps_working_without_a_code(committee, api_for):
    enrolled(committee)
    assert api_for(committee).get("/api/v1/users/me/").status_code == 200


def test_the_token_endpoint_wants_a_code_from_an_enrolled_account(committee):
    device, _ = enrolled(committee)
    api = APIClient()
    url = reverse("api-token-obtain")
    body = {"username": committee.username, "password": TEST_PASSWORD}
    refused = api.post(url, body)
    assert refused.status_code == 400 and "otp_token" in refused.json()
    issued = api.post(url, {**body, "otp_token": code_for(device)})
    assert issued.status_code == 200 and issued.json()["token"]


def test_the_token_endpoint_refuses_a_required_role_not_yet_enrolled(admin_user):
    refused = APIClient().post(
        reverse("api-token-obtain"),
        {"username": admin_user.username, "password": TEST_PASSWORD},
    )
    assert refused.status_code == 403


def test_the_token_endpoint_is_unchanged_for_others(manager):
    issued = APIClient().post(
        reverse("api-token-obtain"),
        {"username": manager.username, "password": TEST_PASSWORD},
    )
    assert issued.status_code == 200


def test_new_recovery_codes_replace_the_old_ones(viewer):
    device, old = enrolled(viewer)
    client, _ = sign_in(viewer)
    client.post(reverse("mfa_verify"), {"otp_token": code_for(device)})
    page = client.post(reverse("mfa_recovery_codes"))
    new = re.findall(r"<li>([a-z2-7]{8})</li>", page.content.decode())
    assert len(new) == mfa.RECOVERY_CODE_COUNT and not set(new) & set(old)
    assert mfa.mfa_verify_code(user=viewer, token=new[1]) is not None
    assert mfa.mfa_verify_code(user=viewer, token=old[1]) is None


def test_a_misspelt_role_fails_the_system_check(settings):
    settings.AIMS_MFA_REQUIRED_ROLES = ["Administrators"]
    errors = checks.run_checks(tags=[checks.Tags.security])
    assert any(e.id == "aims.E002" for e in errors)
