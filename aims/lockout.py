"""What a client sees when sign-ins are locked (django-axes, ``AXES_LOCKOUT_CALLABLE``).

A 429 with ``Retry-After``: JSON for the API, a page for people. The message is the
same whether or not the username exists, so a lockout does not confirm an account.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

MESSAGE = (
    "Too many failed sign-in attempts for this account or from this address. "
    "Try again in {minutes} minutes, or ask an administrator to unlock it."
)


def _minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_response(request, original_response=None, credentials=None):
    message = MESSAGE.format(minutes=_minutes())
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    else:
        response = render(
            request, "registration/locked_out.html", {"message": message}, status=429
        )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def username_of(request, credentials) -> str:
    """The username a lockout counts against, case-folded: "Maria" and "maria" are
    the same person to the login form (``aims.accounts`` refuses such twins)."""
    username = (credentials or {}).get("username")
    if username is None:
        username = getattr(request, "POST", {}).get("username", "")
    return str(username or "").strip().lower()
