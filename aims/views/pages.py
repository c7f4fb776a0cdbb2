"""Portal-wide pages: home, change log, API token, health check, sections to come."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework.authtoken.models import Token

from aims import accounts, dashboard, exports
from aims.filtersets import ObjectChangeFilterSet
from aims.keyset import keyset_page, log_length
from aims.models import ObjectChange
from aims.permissions import can, visible_to

from .change_log import CHANGE_LOG_EXPORTER, attach_record_links


@login_not_required
@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; send them to the static one."""
    return redirect(static("favicon.ico"))


# The home page keeps the readiness card's figures here for a short while.
READINESS_CARD_KEY = "aims:readiness-card"


def home(request):
    """The dashboard: the cards the apps registered (``aims.dashboard``)."""
    return render(request, "aims/home.html", {"cards": dashboard.cards_for(request)})


def readiness_card(request) -> dict | None:
    """Readiness in figures for the committee's dashboard: percentages per clause,
    blockers. Computed at most once a minute (it reads every app)."""
    from django.core.cache import cache

    from aims.models import GapReport
    from aims.readiness import compute
    from aims.readiness_charts import bar_chart

    if not can(request.user, "view", GapReport):
        return None
    key = READINESS_CARD_KEY
    figures = cache.get(key)
    if figures is None:
        report = compute()
        figures = {
            "as_of": report.as_of,
            "clause_percent": report.percent("clause"),
            "annex_percent": report.percent("annex_a"),
            "blockers": [
                (b.source.label, len(b.items)) for b in report.blockers if b.items
            ],
            "chart": bar_chart(report.clause_groups, url_prefix="/readiness/#"),
            "counts": report.counts(),
        }
        cache.set(key, figures, 60)
    return figures


def due_card(request) -> dict | None:
    """What falls due, as the latest reminder run recorded it: the user's own unread
    items, and for those escalations reach (the committee) the overdue items of the
    whole AIMS by kind and escalation step. Counts only, so nothing the reader may not
    see is named; three queries whatever the number of items."""
    from django.db.models import Count, Max, Q

    from aims.models import Notification
    from aims.reminders import source_label

    overdue = (Notification.Kind.OVERDUE, Notification.Kind.ESCALATED)
    mine = Notification.objects.filter(
        recipient=request.user, read_at__isnull=True
    ).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(kind__in=overdue)),
        escalated=Count("pk", filter=Q(escalation_level__gt=0)),
    )
    context = {
        "mine": mine["total"],
        "mine_overdue": mine["overdue"],
        "mine_escalated": mine["escalated"],
        "by_kind": [],
    }
    if can(request.user, "receive_escalated", Notification):
        last_run = Notification.objects.aggregate(day=Max("run_date"))["day"]
        steps = {}
        if last_run is not None:
            rows = (
                Notification.objects.filter(run_date=last_run, kind__in=overdue)
                .values("source", "escalation_level")
                .annotate(items=Count("object_id", distinct=True))
            )
            for row in rows:
                level = min(row["escalation_level"], 2)
                steps[(row["source"], level)] = (
                    steps.get((row["source"], level), 0) + row["items"]
                )
        sources = sorted({source for source, _ in steps}, key=source_label)
        context["by_kind"] = [
            {
                "kind": source_label(source),
                "overdue": steps.get((source, 0), 0),
                "contact": steps.get((source, 1), 0),
                "committee": steps.get((source, 2), 0),
            }
            for source in sources
        ]
        context["committee_view"] = True
        context["last_run"] = last_run
    return context


def recent_changes_card(request) -> dict | None:
    if not can(request.user, "view", ObjectChange):
        return None
    entries = visible_to(
        ObjectChange.objects.select_related("content_type"), request.user, "view"
    ).order_by("-seq")[:8]
    return {"recent_changes": attach_record_links(entries, request.user)}


CHANGE_LOG_PAGE_SIZE = 50


class ChangeLogListView(View):
    """The whole change log, for auditors: filter by record, user and period, open each
    entry's record and its History tab, export the filtered entries with their hashes."""

    def get(self, request):
        if not can(request.user, "view", ObjectChange):
            return render(
                request,
                "403.html",
                {
                    "message": "The change log is open to auditors, the committee and AIMS managers."
                },
                status=403,
            )
        entries = visible_to(
            ObjectChange.objects.select_related("content_type", "user"),
            request.user,
            "view",
        ).order_by("-seq")
        filterset = ObjectChangeFilterSet(
            request.GET or None, queryset=entries, request=request
        )
        export_format = request.GET.get("export")
        if export_format:
            if export_format not in exports.FORMATS or not filterset.is_valid():
                raise Http404("Unknown export format")
            return CHANGE_LOG_EXPORTER.response(
                filterset.qs.order_by("seq"), export_format, "change log"
            )
        filtered = any(request.GET.get(name) for name in filterset.filters)
        page = keyset_page(filterset.qs, request.GET, CHANGE_LOG_PAGE_SIZE)
        page.object_list = attach_record_links(page.object_list, request.user)
        query = request.GET.copy()
        for cursor in ("before", "after", "page"):
            query.pop(cursor, None)
        return render(
            request,
            "aims/changelog_list.html",
            {
                "filterset": filterset,
                "page_obj": page,
                # Unfiltered, the log's length is its newest number; filtered, counting
                # would scan the matches (millions), so the page says how many it shows.
                "total": None if filtered else log_length(ObjectChange),
                "query": query.urlencode(),
                "export_formats": exports.FORMATS,
            },
        )


class TokenView(View):
    """Shows the user's API token (when it was issued, when it expires) and lets them
    rotate or revoke it."""

    def get(self, request):
        from aims.api.authentication import token_expires_at

        token = Token.objects.filter(user=request.user).first()
        return render(
            request,
            "aims/token.html",
            {"token": token, "expires_at": token_expires_at(token)},
        )

    def post(self, request):
        if request.POST.get("action") == "revoke":
            accounts.token_revoke(user=request.user)
            messages.success(
                request, "Your API token was revoked; calls with it are now refused."
            )
            return redirect("token")
        accounts.token_rotate(user=request.user)
        messages.success(
            request, "A new API token was issued; the previous one no longer works."
        )
        return redirect("token")


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness: the database answers, and Redis (broker and cache) when
    configured. ``down`` names each dependency that does not, so an operator (or the
    orchestrator's log) reads what is wrong without guessing."""
    from django.conf import settings

    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(
                settings.REDIS_URL,
                socket_timeout=settings.REDIS_TIMEOUT,
                socket_connect_timeout=settings.REDIS_TIMEOUT,
            ).ping()
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = f"error: {type(exc).__name__}"
    down = [name for name, value in checks.items() if value != "ok"]
    response = JsonResponse(
        {"status": "error" if down else "ok", "down": down, "checks": checks},
        status=503 if down else 200,
    )
    if down:
        response["Retry-After"] = str(settings.AIMS_RETRY_AFTER_SECONDS)
    return response


class LoginView(auth_views.LoginView):
    """The password form, and the identity provider's button when SSO is on."""

    def get_context_data(self, **kwargs):
        from django.conf import settings

        context = super().get_context_data(**kwargs)
        if settings.AIMS_OIDC_ENABLED:
            context["sso_label"] = settings.AIMS_OIDC_LABEL
            context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context


class ReauthenticateView(View):
    """Confirm the password before a sensitive action (``aims.reauth``), and the second
    factor too for an account that has one: a session left open on a desk must not
    approve anything with the password alone."""

    template_name = "registration/reauthenticate.html"

    def get(self, request):
        return render(request, self.template_name, self._context(request))

    def post(self, request):
        from django.contrib.auth import authenticate

        from aims import mfa
        from aims.reauth import mark_authenticated

        next_url = _safe_next_url(request)
        user = authenticate(
            request,
            username=request.user.get_username(),
            password=request.POST.get("password", ""),
        )
        error = ""
        if user is None or user.pk != request.user.pk:
            error = "That password is not right."
        elif self._asks_code(request) and not mfa.mfa_check(
            request=request, token=request.POST.get("otp_token", "")
        ):
            error = "That code is not right."
        if error:
            return render(
                request,
                self.template_name,
                {**self._context(request), "error": error},
                status=400,
            )
        mark_authenticated(request)
        return redirect(next_url or "home")

    def _asks_code(self, request) -> bool:
        from aims import mfa

        return not request.session.get(mfa.SSO_SESSION_KEY) and mfa.mfa_enrolled(
            request.user
        )

    def _context(self, request) -> dict:
        from aims import mfa

        return {
            "next": _safe_next_url(request),
            "asks_code": self._asks_code(request),
            # Signed in through the provider: no local password; confirm there.
            "sso": bool(request.session.get(mfa.SSO_SESSION_KEY)),
        }


def _safe_next_url(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return ""
