"""Sign-in through the organisation's identity provider (OpenID Connect, code flow with
PKCE; mozilla-django-oidc does the protocol).

Off unless ``AIMS_OIDC_ENABLED``. The provider is the source of truth for who someone
is and which portal roles they hold: its groups claim (``AIMS_OIDC_GROUPS_CLAIM``) is
mapped to roles by ``AIMS_OIDC_ROLE_MAP``, and every sign-in sets the user's roles to
the mapped ones. Someone whose groups map to no role is not let in. Accounts are found
by e-mail address (created on first sign-in unless ``AIMS_OIDC_CREATE_USERS=0``); they
have no local password, and their second factor is the provider's (``aims.mfa``).

Besides the library's checks (signature against the provider's keys, nonce, expiry),
the ID token must be addressed to this client and, when ``AIMS_OIDC_ISSUER`` is set,
come from that issuer.
"""

import logging
import re

import jwt
import requests
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from . import accounts
from .mfa import SSO_SESSION_KEY
from .models import User
from .reauth import mark_authenticated

__all__ = ["CallbackView", "PortalOIDCBackend", "SignInView", "roles_for_claims"]

logger = logging.getLogger(__name__)

_USERNAME_CHARS = re.compile(r"[^\w.@+-]")


def roles_for_claims(claims: dict) -> list[Group]:
    """The portal roles the provider's groups map to (``AIMS_OIDC_ROLE_MAP``)."""
    groups = claims.get(settings.AIMS_OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    names = set()
    for group in groups:
        mapped = settings.AIMS_OIDC_ROLE_MAP.get(str(group))
        if isinstance(mapped, str):
            names.add(mapped)
        elif mapped:
            names.update(mapped)
    return list(Group.objects.filter(name__in=names).order_by("name"))


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """Finds or creates the portal user for the provider's claims, and sets their roles."""

    def authenticate(self, request, **kwargs):
        # A provider that is down, refuses the code or sends a token that does not
        # check out is a failed sign-in (back to the login page), never a 500.
        try:
            return super().authenticate(request, **kwargs)
        except (
            requests.RequestException,
            jwt.PyJWTError,
            SuspiciousOperation,
            ValueError,
        ) as exc:
            logger.warning("OIDC sign-in failed: %s", exc)
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another client.")
        issuer = settings.AIMS_OIDC_ISSUER
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        return payload

    def verify_claims(self, claims):
        if not super().verify_claims(claims) or not claims.get("email"):
            return False
        if claims.get("email_verified") is False:
            logger.warning("OIDC sign-in refused: the e-mail address is not verified")
            return False
        if not roles_for_claims(claims):
            logger.warning(
                "OIDC sign-in refused for %s: no group maps to a portal role",
                claims.get("email"),
            )
            return False
        return True

    def filter_users_by_claims(self, claims):
        return User.objects.filter(email__iexact=claims["email"])

    def create_user(self, claims):
        try:
            return accounts.user_create(
                actor=None,
                username=self._free_username(claims),
                password=None,
                email=claims["email"],
                first_name=str(claims.get("given_name", ""))[:150],
                last_name=str(claims.get("family_name", ""))[:150],
                roles=roles_for_claims(claims),
            )
        except ValidationError as exc:
            raise SuspiciousOperation(f"Cannot create the user: {exc}") from exc

    def update_user(self, user, claims):
        fields = {
            name: str(claims[claim])[:150]
            for name, claim in (("first_name", "given_name"), ("last_name", "family_name"))
            if claims.get(claim)
        }
        try:
            return accounts.user_update(
                user=user, actor=user, roles=roles_for_claims(claims), **fields
            )
        except ValidationError as exc:
            # E.g. the provider took the role of the last active administrator.
            raise SuspiciousOperation(f"Cannot update the user: {exc}") from exc

    def _free_username(self, claims) -> str:
        wanted = claims.get("preferred_username") or claims["email"].split("@")[0]
        base = _USERNAME_CHARS.sub("", str(wanted))[:140] or "user"
        candidate, n = base, 1
        while User.objects.filter(username__iexact=candidate).exists():
            n += 1
            candidate = f"{base}{n}"
        return candidate


class _Enabled:
    def dispatch(self, request, *args, **kwargs):
        if not settings.AIMS_OIDC_ENABLED:
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)


class SignInView(_Enabled, OIDCAuthenticationRequestView):
    """Sends the browser to the provider (``?next=`` is kept for the way back)."""


class CallbackView(_Enabled, OIDCAuthenticationCallbackView):
    """The provider's answer: sign in, and remember that this session's second factor
    and recent sign-in are the provider's."""

    def login_success(self):
        response = super().login_success()
        self.request.session[SSO_SESSION_KEY] = True
        # Also when the same user was already signed in (no new login signal): coming
        # back from the provider is the re-authentication before an approval.
        mark_authenticated(self.request)
        return response
