from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from aims.api.schema_view import CachedSchemaView
from aims.views import mfa, notifications, pages, readiness

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", pages.healthz, name="healthz"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/token/", pages.TokenView.as_view(), name="token"),
    # Password reset by e-mail: the same answer whether or not the address has an
    # account, so the form cannot be used to find out who has one.
    path(
        "accounts/password/reset/",
        login_not_required(
            auth_views.PasswordResetView.as_view(
                email_template_name="registration/password_reset_email.txt",
                subject_template_name="registration/password_reset_subject.txt",
                # Links start with the configured address, never the request's Host.
                extra_email_context={"base_url": settings.AIMS_BASE_URL},
            )
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        login_not_required(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        login_not_required(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        login_not_required(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path(
        "accounts/confirm/",
        pages.ReauthenticateView.as_view(),
        name="reauthenticate",
    ),
    # Second factor (aims.mfa): status, set-up with a QR code, the code after the
    # password, recovery codes.
    path("accounts/two-factor/", mfa.MfaStatusView.as_view(), name="mfa"),
    path(
        "accounts/two-factor/enrol/", mfa.MfaEnrolView.as_view(), name="mfa_enrol"
    ),
    path(
        "accounts/two-factor/verify/", mfa.MfaVerifyView.as_view(), name="mfa_verify"
    ),
    path(
        "accounts/two-factor/recovery-codes/",
        mfa.MfaRecoveryCodesView.as_view(),
        name="mfa_recovery_codes",
    ),
    path(
        "accounts/two-factor/turn-off/",
        mfa.MfaTurnOffView.as_view(),
        name="mfa_turn_off",
    ),
    path("changelog/", pages.ChangeLogListView.as_view(), name="changelog"),
    path("readiness/", readiness.ReadinessView.as_view(), name="readiness"),
    path(
        "readiness/public-key/",
        readiness.PublicKeyView.as_view(),
        name="signing_public_key",
    ),
    path(
        "readiness/requirements/<str:requirement_id>/",
        readiness.RequirementView.as_view(),
        name="readiness_requirement",
    ),
    path(
        "readiness/documented-information/",
        readiness.DocumentedInformationView.as_view(),
        name="readiness_documented_information",
    ),
    path(
        "readiness/reports/",
        readiness.GapReportListView.as_view(),
        name="gapreport_list",
    ),
    path(
        "readiness/reports/<int:pk>/",
        readiness.GapReportDetailView.as_view(),
        name="gapreport_detail",
    ),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path(
        "notifications/<int:pk>/read/",
        notifications.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notification_read_all",
    ),
    path("notifications/due/", notifications.due_items, name="due_items"),
    path(
        "notifications/preferences/",
        notifications.NotificationPreferenceView.as_view(),
        name="notification_preferences",
    ),
    # Each app's pages, under the prefix its AppConfig declares (``urls_prefix``).
    *(
        path(config.urls_prefix, include(f"{config.name}.urls"))
        for config in apps.get_app_configs()
        if getattr(config, "urls_prefix", None) is not None
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("aims.api_urls")),
    path("api/schema/", CachedSchemaView.as_view(), name="api-schema"),
    # A page for people: anonymous visitors go to the login page, not a 401.
    path(
        "api/docs/",
        # The split view serves its start-up script as a file: no inline script.
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]

handler403 = "aims.views.errors.permission_denied"
handler404 = "aims.views.errors.not_found"
handler500 = "aims.views.errors.server_error"
