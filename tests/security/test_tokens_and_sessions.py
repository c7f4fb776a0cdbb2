"""API tokens: revoked by a new password, optionally expiring, seen and revoked by
their owner; idle sessions end; password reset by e-mail reveals no account."""

import datetime
import time

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aims.middleware import IDLE_KEY
from tests.factories import TEST_PASSWORD

NEW_PASSWORD = "a much longer new passphrase 42"


def _token_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_password_change_revokes_the_api_token(viewer, client_for):
    token = Token.objects.create(user=viewer)
    assert _token_client(token.key).get("/api/v1/users/me/").status_code == 200
    response = client_for(viewer).post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert _token_client(token.key).get("/api/v1/users/me/").status_code == 401


def test_a_login_that_only_upgrades_the_hash_keeps_the_token(viewer):
    token = Token.objects.create(user=viewer)
    viewer.last_login = timezone.now()
    viewer.save()
    assert Token.objects.filter(key=token.key).exists()


def test_an_expired_token_is_refused(viewer, settings):
    settings.AIMS_TOKEN_MAX_AGE_DAYS = 30
    token = Token.objects.create(user=viewer)
    assert _token_client(token.key).get("/api/v1/users/me/").status_code == 200
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - datetime.timedelta(days=31)
    )
    refused = _token_client(token.key).get("/api/v1/users/me/")
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]
    settings.AIMS_TOKEN_MAX_AGE_DAYS = 0
    assert _token_client(token.key).get("/api/v1/users/me/").status_code == 200


def test_the_token_page_shows_expiry_and_revokes(viewer, client_for, settings):
    settings.AIMS_TOKEN_MAX_AGE_DAYS = 90
    token = Token.objects.create(user=viewer)
    client = client_for(viewer)
    page = client.get(reverse("token")).content.decode()
    assert token.key in page and "Expires" in page and "Revoke token" in page
    client.post(reverse("token"), {"action": "revoke"})
    assert not Token.objects.filter(user=viewer).exists()
    assert _token_client(token.key).get("/api/v1/users/me/").status_code == 401


def test_the_api_revokes_its_own_token(viewer, api_for):
    api = api_for(viewer)
    assert api.post("/api/v1/me/token/revoke/").status_code == 204
    assert api.get("/api/v1/users/me/").status_code == 401


def test_an_idle_session_is_signed_out(viewer, client_for, settings):
    settings.AIMS_SESSION_IDLE_MINUTES = 30
    client = client_for(viewer)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[IDLE_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(reverse("home")).status_code == 302


def test_an_active_session_stays(viewer, client_for, settings):
    settings.AIMS_SESSION_IDLE_MINUTES = 30
    client = client_for(viewer)
    session = client.session
    session[IDLE_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 200


def test_password_reset_answers_alike_for_known_and_unknown_addresses(viewer):
    from aims import accounts

    accounts.user_update(user=viewer, actor=None, email="victor@example.org")
    token = Token.objects.create(user=viewer)
    known = Client().post(reverse("password_reset"), {"email": "victor@example.org"})
    unknown = Client().post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["victor@example.org"]
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/reset/" in line
    ).strip()
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    form = client.get("/" + path, follow=True)
    assert form.status_code == 200 and "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else "/" + path,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()
    login = Client().post(
        reverse("login"), {"username": "victor", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302
