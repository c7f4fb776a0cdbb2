"""Two-factor sign-in pages: status, enrolment (QR code), verification, recovery codes.

The rules are in ``aims.mfa``; these views parse the code, call one service and render.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views import View
from django.views.decorators.cache import never_cache

from aims import mfa
from aims.reauth import SensitiveActionMixin, recently_authenticated

from .pages import _safe_next_url


def _enrol_context(request, device, next_url, error=""):
    return {
        "qr_svg": mfa.qr_code_svg(device),
        "secret": mfa.secret_for_display(device),
        "issuer": _issuer(),
        "next": next_url,
        "error": error,
        "required": mfa.mfa_required(request.user),
    }


def _issuer() -> str:
    from django.conf import settings

    return settings.OTP_TOTP_ISSUER


class MfaStatusView(View):
    """Whether the user signs in with a second factor, and what they can do about it."""

    def get(self, request):
        user = request.user
        return render(
            request,
            "aims/mfa.html",
            {
                "enrolled": mfa.mfa_enrolled(user),
                "required": mfa.mfa_required(user),
                "codes_left": mfa.mfa_recovery_codes_left(user),
                "sso": bool(request.session.get(mfa.SSO_SESSION_KEY)),
            },
        )


@method_decorator(never_cache, name="dispatch")
class MfaEnrolView(View):
    """Scan the QR code (or type the key), then enter a code from the app to finish."""

    template_name = "registration/mfa_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        # Replacing an app that already works is a change to how one signs in: it needs
        # a fresh confirmation (with the current app). A first set-up does not, or a
        # role that now requires a factor could never reach it.
        if mfa.mfa_enrolled(request.user) and not (
            request.user.is_verified() and recently_authenticated(request)
        ):
            target = reverse("reauthenticate")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        device = mfa.mfa_enrol_start(user=request.user)
        return render(
            request,
            self.template_name,
            _enrol_context(request, device, _safe_next_url(request)),
        )

    def post(self, request):
        device = mfa.mfa_enrol_start(user=request.user)
        next_url = _safe_next_url(request)
        codes = mfa.mfa_enrol_confirm(
            request=request, device=device, token=request.POST.get("otp_token", "")
        )
        if codes is None:
            return render(
                request,
                self.template_name,
                _enrol_context(
                    request,
                    device,
                    next_url,
                    "That code is not right. Enter the six digits your app shows now "
                    "(after a wrong code, wait a few seconds before the next try).",
                ),
                status=400,
            )
        return render(
            request,
            "registration/mfa_recovery_codes.html",
            {"codes": codes, "next": next_url, "first": True},
        )


@method_decorator(never_cache, name="dispatch")
class MfaVerifyView(View):
    """The second step of signing in: a code from the app, or a recovery code."""

    template_name = "registration/mfa_verify.html"

    def get(self, request):
        if request.user.is_verified() or not mfa.mfa_enrolled(request.user):
            return self._onwards(request)
        return render(request, self.template_name, {"next": _safe_next_url(request)})

    def post(self, request):
        if not mfa.mfa_enrolled(request.user):
            return self._onwards(request)
        if mfa.mfa_check(request=request, token=request.POST.get("otp_token", "")):
            left = mfa.mfa_recovery_codes_left(request.user)
            if left <= 2:
                messages.warning(
                    request,
                    f"You have {left} recovery codes left: make new ones under "
                    "Two-factor sign-in.",
                )
            return redirect(_safe_next_url(request) or "home")
        return render(
            request,
            self.template_name,
            {
                "next": _safe_next_url(request),
                "error": "That code is not right. After a wrong code, wait a few "
                "seconds before the next try.",
            },
            status=400,
        )

    def _onwards(self, request):
        if mfa.mfa_enrolled(request.user) or not mfa.mfa_required(request.user):
            return redirect(_safe_next_url(request) or "home")
        return redirect("mfa_enrol")


class MfaRecoveryCodesView(SensitiveActionMixin, View):
    """New recovery codes, shown once; the previous ones stop working."""

    def get(self, request):
        return redirect("mfa")

    def post(self, request):
        codes = mfa.mfa_recovery_codes_new(user=request.user)
        return render(
            request,
            "registration/mfa_recovery_codes.html",
            {"codes": codes, "next": "", "first": False},
        )


class MfaTurnOffView(SensitiveActionMixin, View):
    def get(self, request):
        return redirect("mfa")

    def post(self, request):
        mfa.mfa_turn_off(user=request.user, actor=request.user)
        messages.success(
            request, "Two-factor sign-in is off: your password alone signs you in."
        )
        return redirect("mfa")
