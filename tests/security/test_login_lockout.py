"""Brute force against the sign-in: the web form, the token endpoint and the
re-authentication page lock a username and a client address after a few failures,
and a forged X-Forwarded-For neither escapes the lock nor frames someone else."""

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from tests.factories import make_user

PASSWORD = "correct horse battery staple 7"
LIMIT = 5


@pytest.fixture
def maria(db):
    user = make_user("maria")
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, username, password, **headers):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, **headers
    )


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_wrong_passwords_lock_the_account_and_the_right_one_is_refused_too(maria):
    client = Client()
    for _ in range(LIMIT - 1):
        assert _login(client, "maria", "wrong").status_code == 200
    locked = _login(client, "maria", "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert int(locked["Retry-After"]) > 0

    right = _login(Client(REMOTE_ADDR="198.51.100.7"), "maria", PASSWORD)
    assert right.status_code == 429, "a locked username stays locked from elsewhere"
    assert "_auth_user_id" not in right.wsgi_request.session


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_a_success_before_the_limit_starts_the_count_again(maria):
    client = Client()
    for _ in range(LIMIT - 1):
        _login(client, "maria", "wrong")
    assert _login(client, "maria", PASSWORD).status_code == 302
    client.logout()
    assert _login(client, "maria", "wrong").status_code == 200


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_one_address_trying_many_usernames_is_locked_whatever_it_forwards(maria):
    client = Client()
    for number in range(LIMIT):
        response = _login(
            client,
            f"guess{number}",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        )
    assert response.status_code == 429
    # The real owner signs in from another address without trouble.
    assert _login(Client(REMOTE_ADDR="198.51.100.9"), "maria", PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=LIMIT, AIMS_TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(maria):
    client = Client()  # REMOTE_ADDR 127.0.0.1 is the proxy
    for number in range(LIMIT):
        response = _login(
            client, f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.5"
        )
    assert response.status_code == 429
    # Another client behind the same proxy is not locked out by the first one.
    other = _login(client, "maria", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 302


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_the_token_endpoint_locks_the_same_way_and_answers_json(maria):
    api = APIClient()
    for _ in range(LIMIT - 1):
        response = api.post(
            "/api/v1/auth/token/", {"username": "maria", "password": "wrong"}
        )
        assert response.status_code == 400
    locked = api.post("/api/v1/auth/token/", {"username": "maria", "password": "wrong"})
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    right = APIClient(REMOTE_ADDR="198.51.100.8").post(
        "/api/v1/auth/token/", {"username": "maria", "password": PASSWORD}
    )
    assert right.status_code == 429
    assert "token" not in right.json()
    # ... and the web form for the same username too.
    assert _login(Client(), "maria", PASSWORD).status_code == 429


@override_settings(AXES_ENABLED=False)
def test_the_token_rate_limit_is_not_reset_by_a_forged_forwarded_header(
    maria, monkeypatch, settings
):
    from aims.api.views import LoginRateThrottle

    # The throttle's history in a cache of this test's own: what is under test is the
    # address it is keyed by, and a history shared through Redis with whatever else ran
    # in the last minute made the count flaky.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "forged-forwarded-header",
        }
    }
    monkeypatch.setattr(LoginRateThrottle, "THROTTLE_RATES", {"login": "3/minute"})
    api = APIClient()
    statuses = [
        api.post(
            "/api/v1/auth/token/",
            {"username": "maria", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        ).status_code
        for number in range(5)
    ]
    assert statuses == [400, 400, 400, 429, 429]


def test_administrators_see_locked_accounts_in_the_admin(maria, admin_user, client_for):
    for _ in range(6):
        _login(Client(), "maria", "wrong")
    page = client_for(admin_user).get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert "maria" in page.content.decode()
