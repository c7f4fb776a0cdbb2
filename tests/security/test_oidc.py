"""Single sign-on with OpenID Connect, end to end against a real provider on loopback
(``tests.oidc_provider``): the browser's trip through the provider, the portal's token
and userinfo calls over HTTP, the ID token's signature, nonce, audience and issuer,
PKCE, and the mapping of the provider's groups to portal roles."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from aims import mfa, roles
from aims.models import User
from aims.reauth import SESSION_KEY as REAUTH_KEY
from tests.oidc_provider import Provider

ROLE_MAP = {
    "aims-committee": roles.GOVERNANCE_COMMITTEE,
    "aims-managers": roles.AIMS_MANAGER,
    "aims-readers": roles.VIEWER,
}


@pytest.fixture
def provider(settings):
    provider = Provider("aims-portal", "a-client-secret").start()
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.AIMS_OIDC_ENABLED = True
    settings.AIMS_OIDC_ROLE_MAP = ROLE_MAP
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "aims.oidc.PortalOIDCBackend",
    ]
    # Committee members must use a second factor: the provider's counts.
    settings.AIMS_MFA_REQUIRED_ROLES = [roles.GOVERNANCE_COMMITTEE]
    yield provider
    provider.stop()


def person(**claims):
    return {
        "sub": "u-1001",
        "email": "nina@example.org",
        "email_verified": True,
        "preferred_username": "nina",
        "given_name": "Nina",
        "family_name": "Novak",
        "groups": ["aims-committee", "staff"],
        **claims,
    }


def sign_in_through(provider, client=None, next_url="/"):
    """What the browser does: portal -> provider -> portal's callback."""
    client = client or Client()
    start = client.get(reverse("oidc_authentication_init"), {"next": next_url})
    assert start.status_code == 302 and start.url.startswith(provider.url + "/authorize")
    at_provider = requests.get(start.url, allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == reverse("oidc_authentication_callback")
    return client, client.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()})


def test_a_first_sign_in_creates_the_user_with_the_mapped_role(provider):
    provider.person = person()
    client, done = sign_in_through(provider, next_url="/risks/")
    assert done.status_code == 302 and done.url == "/risks/"
    user = User.objects.get(email="nina@example.org")
    assert user.username == "nina" and user.get_full_name() == "Nina Novak"
    assert [g.name for g in user.groups.all()] == [roles.GOVERNANCE_COMMITTEE]
    assert not user.has_usable_password(), "no local password to steal"
    # A committee member, yet no local second factor: the provider's counts.
    assert client.get("/risks/").status_code == 200
    assert client.session[mfa.SSO_SESSION_KEY] is True
    assert provider.token_requests == 1


def test_each_sign_in_sets_the_roles_the_provider_says(provider, client_for):
    provider.person = person()
    sign_in_through(provider)
    provider.person = person(groups=["aims-readers", "aims-managers"])
    client, _ = sign_in_through(provider)
    user = User.objects.get(email="nina@example.org")
    assert sorted(g.name for g in user.groups.all()) == [
        roles.AIMS_MANAGER,
        roles.VIEWER,
    ]
    assert User.objects.filter(email="nina@example.org").count() == 1


def test_an_existing_account_is_found_by_its_email(provider, manager):
    manager.email = "Maria@Example.org"
    manager.save()
    provider.person = person(email="maria@example.org", groups=["aims-managers"])
    client, done = sign_in_through(provider)
    assert done.status_code == 302
    assert int(client.session["_auth_user_id"]) == manager.pk


def test_someone_whose_groups_map_to_no_role_is_not_let_in(provider):
    provider.person = person(groups=["staff"])
    client, done = sign_in_through(provider)
    assert done.url == reverse("login") + "?sso=failed"
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="nina@example.org").exists()
    page = client.get(done.url)
    assert "could not sign you in" in page.content.decode()


def test_an_unverified_email_is_not_trusted(provider, manager):
    manager.email = "maria@example.org"
    manager.save()
    provider.person = person(
        email="maria@example.org", email_verified=False, groups=["aims-managers"]
    )
    client, done = sign_in_through(provider)
    assert "_auth_user_id" not in client.session


def test_an_id_token_for_another_client_is_refused(provider):
    provider.person = person()
    provider.audience = "some-other-app"
    client, done = sign_in_through(provider)
    assert done.url == reverse("login") + "?sso=failed"
    assert "_auth_user_id" not in client.session


def test_a_code_works_once(provider):
    provider.person = person()
    first = Client()
    start = first.get(reverse("oidc_authentication_init"))
    back = urlsplit(
        requests.get(start.url, allow_redirects=False, timeout=5).headers["Location"]
    )
    code = parse_qs(back.query)["code"][0]
    assert first.get(back.path, dict(parse_qs(back.query), code=code)).status_code == 302
    # Someone who saw the code starts their own sign-in and offers it: the provider
    # refuses it at the token endpoint, and the portal says the sign-in failed.
    thief = Client()
    own = urlsplit(thief.get(reverse("oidc_authentication_init")).url)
    state = parse_qs(own.query)["state"][0]
    replay = thief.get(back.path, {"code": code, "state": state})
    assert replay.status_code == 302 and replay.url.endswith("?sso=failed")
    assert "_auth_user_id" not in thief.session


def test_an_unreachable_provider_is_a_failed_sign_in_not_an_error(provider):
    provider.person = person()
    client = Client()
    start = client.get(reverse("oidc_authentication_init"))
    back = urlsplit(
        requests.get(start.url, allow_redirects=False, timeout=5).headers["Location"]
    )
    provider.stop()
    done = client.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()})
    assert done.status_code == 302 and done.url.endswith("?sso=failed")


def test_returning_from_the_provider_confirms_identity_before_an_approval(provider):
    provider.person = person()
    client, _ = sign_in_through(provider)
    session = client.session
    session[REAUTH_KEY] = 0
    session.save()
    page = client.get(reverse("reauthenticate"), {"next": "/controls/"})
    html = page.content.decode()
    assert reverse("oidc_authentication_init") in html
    assert 'name="password"' not in html
    sign_in_through(provider, client, next_url="/controls/")
    assert client.session[REAUTH_KEY] > 0


def test_the_login_page_offers_the_provider(provider):
    html = Client().get(reverse("login")).content.decode()
    assert reverse("oidc_authentication_init") in html


def test_sso_is_off_by_default():
    assert Client().get(reverse("oidc_authentication_init")).status_code == 404
    html = Client().get(reverse("login")).content.decode()
    assert reverse("oidc_authentication_init") not in html


def test_a_password_sign_in_after_sso_is_asked_for_the_local_factor(provider, committee):
    """The SSO mark belongs to the provider's sign-in, not to the session."""
    from tests.factories import TEST_PASSWORD

    committee.email = "nina@example.org"
    committee.save()
    provider.person = person()
    client, _ = sign_in_through(provider)
    assert client.get("/").status_code == 200
    client.post(reverse("login"), {"username": "grace", "password": TEST_PASSWORD})
    assert client.get("/").url.startswith(reverse("mfa_enrol"))


def test_a_role_map_naming_an_unknown_role_fails_the_system_check(settings):
    from django.core import checks

    settings.AIMS_OIDC_ROLE_MAP = {"aims-admins": "Administrators"}
    errors = checks.run_checks(tags=[checks.Tags.security])
    assert any(e.id == "aims.E003" for e in errors)
