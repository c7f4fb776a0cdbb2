"""Second factor for local accounts: a TOTP authenticator app and recovery codes.

Who must use one: members of the roles named in ``AIMS_MFA_REQUIRED_ROLES``, and anyone
who set one up of their own accord. Such a user, signed in with a password, reaches
nothing but enrolment, verification and sign-out until this session has confirmed a
code (``SecondFactorRequiredMiddleware``); the re-authentication before approvals asks
for a code too (``aims.views.pages.ReauthenticateView``). Accounts signed in through the
organisation's identity provider are exempt: the provider owns their second factor.

API tokens are a credential of their own and are not asked for a code: a user who must
use a second factor gets a token on the token page (after verifying) or from the token
endpoint with ``otp_token``; the password alone does not issue one.

Devices are django-otp's models (not change-logged); enrolment, moving to another app,
new recovery codes, turning the factor off and an administrator's reset are recorded as
events on the user (ISO/IEC 42001 A.4, 7.5.3: who may act in the management system, and
how that is controlled). Only these services change devices: the admin site shows them
read-only and resets them through ``mfa_reset`` (``aims.admin``).
"""

import time
from base64 import b32encode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .context import attributed_to
from .history import record_event

__all__ = [
    "SSO_SESSION_KEY",
    "SecondFactorRequiredMiddleware",
    "mfa_check",
    "mfa_enrol_confirm",
    "mfa_enrol_start",
    "mfa_enrolled",
    "mfa_recovery_codes_left",
    "mfa_recovery_codes_new",
    "mfa_required",
    "mfa_reset",
    "mfa_turn_off",
    "mfa_verify_code",
    "must_verify",
    "qr_code_svg",
    "secret_for_display",
]

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# Set by the identity-provider sign-in: such a session needs no local second factor.
SSO_SESSION_KEY = "aims_signed_in_with_sso"
# When this session was last found not to need a second factor (seconds since the
# epoch): the check costs two queries, so it runs at sign-in and then, while some role
# requires a second factor, once a minute (a role given meanwhile is enforced).
CLEARED_KEY = "aims_mfa_not_needed_at"
RECHECK_SECONDS = 60

EVENTS = {
    "user.mfa_enrolled": "Two-factor sign-in set up",
    "user.mfa_replaced": "Authenticator app replaced",
    "user.mfa_recovery_codes": "New recovery codes issued",
    "user.mfa_removed": "Two-factor sign-in turned off",
    "user.mfa_reset": "Two-factor sign-in reset by an administrator",
}


# Policy


def mfa_required(user) -> bool:
    """The user holds a role that must sign in with a second factor."""
    roles = settings.AIMS_MFA_REQUIRED_ROLES
    return bool(roles) and user.groups.filter(name__in=roles).exists()


def mfa_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_verify(user) -> bool:
    return mfa_required(user) or mfa_enrolled(user)


def mfa_recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# Services


def mfa_enrol_start(*, user) -> TOTPDevice:
    """The authenticator-app device being set up: kept (unconfirmed) until a code from
    it is entered, so reloading the page shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, confirmed=False
        )
    return device


def mfa_enrol_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a code from the app: it replaces any earlier app,
    new recovery codes are issued (and returned, to be shown once), and this session
    counts as verified. ``None`` when the code is wrong."""
    user = request.user
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied("This set-up is not yours or is already finished.")
    with transaction.atomic():
        if not device.verify_token(_clean(token)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        earlier = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk)
        replaced = earlier.filter(confirmed=True).exists()
        earlier.delete()
        codes = _issue_recovery_codes(user)
        with attributed_to(user):
            if replaced:
                record_event(
                    user,
                    "user.mfa_replaced",
                    f"{user.get_username()} moved to another authenticator app (the "
                    f"earlier one no longer works) and got {len(codes)} new "
                    "recovery codes",
                )
            else:
                record_event(
                    user,
                    "user.mfa_enrolled",
                    f"{user.get_username()} set up an authenticator app and "
                    f"{len(codes)} recovery codes",
                )
    otp_login(request, device)
    return codes


def mfa_recovery_codes_new(*, user) -> list[str]:
    """Replace the user's recovery codes (the old ones stop working)."""
    if not mfa_enrolled(user):
        raise PermissionDenied("Set up an authenticator app first.")
    with transaction.atomic():
        codes = _issue_recovery_codes(user)
        with attributed_to(user):
            record_event(
                user,
                "user.mfa_recovery_codes",
                f"{len(codes)} new recovery codes for {user.get_username()}",
            )
    return codes


def mfa_turn_off(*, user, actor) -> None:
    """Remove the user's second factor. Refused while one of their roles requires it
    (an administrator resets a lost device in the admin site instead)."""
    if mfa_required(user):
        raise PermissionDenied(
            "Your role requires a second factor: it cannot be turned off."
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        with attributed_to(actor):
            record_event(
                user,
                "user.mfa_removed",
                f"Two-factor sign-in turned off for {user.get_username()}",
            )


def mfa_reset(*, user, actor) -> bool:
    """An administrator removes someone's second factor (a lost phone, a device that
    may be in the wrong hands): their authenticator app and recovery codes stop
    working at once, in sessions already verified with them too, and a role that
    requires a factor sends them to enrolment at their next request. Recorded on the
    user's change log, by whom; ``False`` (nothing recorded) when they had none.
    Who may do it is the caller's rule: the admin site's change permission on users."""
    with transaction.atomic():
        apps = TOTPDevice.objects.filter(user=user)
        codes = StaticToken.objects.filter(device__user=user)
        removed = {
            "authenticator_apps": apps.filter(confirmed=True).count(),
            "recovery_codes": codes.count(),
        }
        if not apps.exists() and not StaticDevice.objects.filter(user=user).exists():
            return False
        apps.delete()
        StaticDevice.objects.filter(user=user).delete()
        app = (
            "the authenticator app"
            if removed["authenticator_apps"]
            else "an unfinished set-up"
        )
        with attributed_to(actor):
            record_event(
                user,
                "user.mfa_reset",
                f"{actor.get_username()} reset the two-factor sign-in of "
                f"{user.get_username()}: {app} and {removed['recovery_codes']} unused "
                "recovery codes removed",
                data=removed,
            )
    return True


def mfa_verify_code(*, user, token: str):
    """The device that accepts ``token`` (an app code, or a recovery code, which then
    stops working), or ``None``. Wrong codes slow further tries down (django-otp's
    exponential throttling per device)."""
    token = _clean(token)
    if not token:
        return None
    for device in devices_for_user(user):
        # Six digits are an app code; recovery codes are letters and digits.
        if isinstance(device, TOTPDevice) != token.isdigit():
            continue
        verified = otp_verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def mfa_check(*, request, token: str) -> bool:
    """Verify a code for the signed-in user and mark this session verified."""
    device = mfa_verify_code(user=request.user, token=token)
    if device is None:
        return False
    otp_login(request, device)
    return True


def _clean(token: str) -> str:
    return "".join((token or "").split()).lower()


def _issue_recovery_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


# Display


def secret_for_display(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for apps that cannot scan."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` address as an inline SVG QR code, drawn on the server."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(
        scale=5,
        border=4,
        dark="#000",
        light="#fff",
        title="QR code for your authenticator app",
        svgclass="mfa-qr",
    )


# Enforcement


def _exempt_paths() -> tuple[str, ...]:
    names = (
        "login",
        "logout",
        "mfa_enrol",
        "mfa_verify",
        "healthz",
        "favicon",
        # Signing in through the identity provider instead is always open.
        "oidc_authentication_init",
        "oidc_authentication_callback",
    )
    return tuple(reverse(name) for name in names)


class SecondFactorRequiredMiddleware:
    """Send a signed-in user who must use a second factor, and has not confirmed one in
    this session, to verification (or to enrolment when they have none yet). Session
    calls to the API get a 403; token calls are not sessions and are not affected."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._blocked(request, user):
            return self._answer(request, user)
        return self.get_response(request)

    def _blocked(self, request, user) -> bool:
        if self._exempt is None:
            self._exempt = _exempt_paths()
        if request.path in self._exempt or user.is_verified():
            return False
        session = request.session
        if session.get(SSO_SESSION_KEY):
            return False
        cleared = session.get(CLEARED_KEY)
        # Without required roles only this session's own enrolment (which verifies it)
        # or a new sign-in changes the answer: no need to ask again.
        if cleared is not None and (
            not settings.AIMS_MFA_REQUIRED_ROLES
            or time.time() - cleared < RECHECK_SECONDS
        ):
            return False
        if must_verify(user):
            session.pop(CLEARED_KEY, None)
            return True
        session[CLEARED_KEY] = int(time.time())
        return False

    def _answer(self, request, user):
        enrolled = mfa_enrolled(user)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": "Confirm your second factor in the portal first"
                    if enrolled
                    else "Your role requires a second factor: set it up in the portal "
                    "first",
                    "code": "second_factor_required",
                },
                status=403,
            )
        target = reverse("mfa_verify" if enrolled else "mfa_enrol")
        if request.method == "GET" and request.path != reverse("home"):
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        return redirect(target)


@receiver(user_logged_in, dispatch_uid="aims_mfa_check_on_login")
def _check_on_login(sender, request, user, **kwargs):
    # Decide at sign-in, so the pages that follow cost no query for it.
    session = getattr(request, "session", None)
    if session is None:
        return
    # A sign-in starts as a local one; the identity-provider callback marks its own
    # after this (aims.oidc), so a later password sign-in is never taken for SSO.
    session.pop(SSO_SESSION_KEY, None)
    session.pop(CLEARED_KEY, None)
    if not must_verify(user):
        session[CLEARED_KEY] = int(time.time())
