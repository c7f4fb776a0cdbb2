"""Sensitive actions (approvals, acceptances, sign-offs) need a recent sign-in.

A page that decides something on behalf of top management uses
``SensitiveActionMixin``: when the user signed in (or confirmed their identity) longer
than ``AIMS_REAUTH_MAX_AGE`` seconds ago, they are sent to confirm it first and come
back to the same page. The moment is kept in the session; token-authenticated API
calls have no session and are judged by the token rules instead.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

SESSION_KEY = "aims_authenticated_at"

__all__ = [
    "SensitiveActionMixin",
    "mark_authenticated",
    "recently_authenticated",
]


def mark_authenticated(request) -> None:
    request.session[SESSION_KEY] = int(time.time())


def recently_authenticated(request) -> bool:
    session = getattr(request, "session", None)
    if session is None:
        return True  # not a browser session (e.g. a token): nothing to re-confirm
    moment = session.get(SESSION_KEY)
    return moment is not None and time.time() - moment <= settings.AIMS_REAUTH_MAX_AGE


@receiver(user_logged_in, dispatch_uid="aims_reauth_mark")
def _mark_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_authenticated(request)


class SensitiveActionMixin:
    """For views whose POST is an approval or another decision that needs a fresh sign-in."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not recently_authenticated(request):
            if request.method == "POST":
                messages.warning(
                    request,
                    "Confirm your identity, then submit again: nothing was saved.",
                )
            target = reverse("reauthenticate")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return super().dispatch(request, *args, **kwargs)
