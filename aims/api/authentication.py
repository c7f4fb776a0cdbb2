"""API token authentication with an optional lifetime (``AIMS_TOKEN_MAX_AGE_DAYS``).

A token older than the lifetime is refused (401) until its owner issues a new one on
the API token page or at ``POST /api/v1/me/token/``; 0 keeps tokens valid until they
are rotated or revoked. Changing or resetting a password revokes the user's token
(``aims.accounts``).
"""

import datetime

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_expires_at(token) -> datetime.datetime | None:
    days = settings.AIMS_TOKEN_MAX_AGE_DAYS
    if not days or token is None:
        return None
    return token.created + datetime.timedelta(days=days)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        expires = token_expires_at(token)
        if expires is not None and expires <= timezone.now():
            raise exceptions.AuthenticationFailed(
                "This API token has expired; issue a new one on your API token page."
            )
        return user, token
