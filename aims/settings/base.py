"""Settings for every deployment, read from the environment.

Two modes, chosen by the environment and never by a separate settings file:

* embedded default (no ``DATABASE_URL``, no ``REDIS_URL``): SQLite under ``var/``,
  Celery tasks run in-process, a development secret key generated once, DEBUG on;
* production (``DJANGO_DEBUG=0``): ``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL`` and
  ``ALLOWED_HOSTS`` are required and the process refuses to start without them.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env, envbool, envint, envlist, envsecret

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(env("AIMS_DATA_DIR") or BASE_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DJANGO_DEBUG", True)


def _secret_key() -> str:
    key = envsecret("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) is required when DJANGO_DEBUG=0"
        )
    # Development only: generate once and keep it, so sessions survive restarts.
    key_file = DATA_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = envlist(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DJANGO_DEBUG=0")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

# The Ed25519 key that signs change-log checkpoints and auditor bundles (aims/signing.py).
# Kept outside the database on purpose; created on first use, mode 0600. Back it up with
# the media files: without it old signatures still verify (the public key is printed in
# every checkpoint) but new ones would come from a different key.
AIMS_SIGNING_KEY_FILE = Path(
    env("AIMS_SIGNING_KEY_FILE") or DATA_DIR / "signing-key.pem"
)

# Signed change-log checkpoints are appended here as well as stored in the database
# (aims/checkpoints.py): put it on storage the database's administrators cannot rewrite.
AIMS_CHANGE_LOG_CHECKPOINT_FILE = Path(
    env("AIMS_CHANGE_LOG_CHECKPOINT_FILE") or DATA_DIR / "change-log-checkpoints.jsonl"
)

AIMS_ORGANISATION_NAME = env("AIMS_ORGANISATION_NAME", "Example Organisation")
# Reference facts (ISO 42001 clauses, Annex A, EU AI Act, NIST AI RMF) loaded by
# `manage.py load_reference`.
AIMS_REFERENCE_FILE = Path(
    env("AIMS_REFERENCE_FILE") or BASE_DIR / "aims/data/aims-reference.json"
)

# Applications

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_tables2",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "bootstrap",
    "csp",
    # Second factor for local accounts (aims.mfa): TOTP apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Before "aims": its permissions must exist when the roles are synced after migrate.
    "django_celery_beat",
    "aims",
    "registry",
    "risk",
    "impact",
    "controls",
    "audit",
    "governance",
    "incidents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A database that cannot be reached answers 503 with Retry-After, not 500.
    "aims.unavailable.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "aims.middleware.RequestIdMiddleware",
    # Before anything reads a value: a NUL character is a 400, never a database error.
    "aims.middleware.RequestSizeLimitMiddleware",
    "aims.middleware.RefuseNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Knows whether this session confirmed a second factor (request.user.is_verified).
    "django_otp.middleware.OTPMiddleware",
    # Every page needs a login; DRF views opt out and answer 401/403 themselves.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: a session that timed out is told why.
    "aims.middleware.IdleSessionTimeoutMiddleware",
    # Roles that must use a second factor reach nothing but enrolment or verification.
    "aims.mfa.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "aims.middleware.ChangeActorMiddleware",
    "csp.middleware.CSPMiddleware",
    # After CSPMiddleware, so a download's own sandbox policy is set first and kept.
    "aims.middleware.SecurityHeadersMiddleware",
    # Last: turns a locked-out sign-in into the lockout answer (aims.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aims.urls"
WSGI_APPLICATION = "aims.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aims.context_processors.portal",
            ],
        },
    },
]

# Database

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'aims.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if not DEBUG and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    raise ImproperlyConfigured(
        "DATABASE_URL (PostgreSQL) is required when DJANGO_DEBUG=0"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Authentication

AUTH_USER_MODEL = "aims.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any password check while the username or address is locked out.
    "axes.backends.AxesStandaloneBackend",
    # Django's password backend, with model-level permissions cached per generation.
    "aims.auth_backends.PermissionCacheModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"

# Sessions: signed out after AIMS_SESSION_IDLE_MINUTES without a request
# (aims.middleware.IdleSessionTimeoutMiddleware), and after AIMS_SESSION_MAX_HOURS in
# any case. API tokens live AIMS_TOKEN_MAX_AGE_DAYS (0: until rotated or revoked);
# a password change or reset revokes the user's token.
AIMS_SESSION_IDLE_MINUTES = envint("AIMS_SESSION_IDLE_MINUTES", 60)
SESSION_COOKIE_AGE = envint("AIMS_SESSION_MAX_HOURS", 12) * 3600
AIMS_TOKEN_MAX_AGE_DAYS = envint("AIMS_TOKEN_MAX_AGE_DAYS", 90)
# Password reset links (sent by e-mail; the form never says whether an account exists).
PASSWORD_RESET_TIMEOUT = envint("AIMS_PASSWORD_RESET_HOURS", 2) * 3600

# Forwarded headers (X-Forwarded-For) are believed only from these proxies: addresses
# or networks, comma-separated (e.g. "10.0.0.5" or "172.18.0.0/16"). None by default,
# so a client cannot choose the address it is judged by (aims.client_address).
AIMS_TRUSTED_PROXIES = envlist("AIMS_TRUSTED_PROXIES", [])

# Failed sign-ins (django-axes): after AIMS_LOGIN_FAILURE_LIMIT failures for one
# username, or from one client address, every sign-in for it is refused with a 429
# for AIMS_LOGIN_COOLOFF_MINUTES (web form, API token endpoint and re-authentication
# alike). Administrators see and clear lockouts in the admin site ("Access attempts").
AXES_FAILURE_LIMIT = envint("AIMS_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AIMS_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "aims.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "aims.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "aims.lockout.username_of"
AXES_VERBOSE = False
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Second factor (TOTP, aims.mfa): members of these roles (group names, comma-separated)
# must set up an authenticator app and confirm a code after their password before they
# can use the portal; anyone else may opt in. In production the administrators and the
# committee by default; the embedded demo asks nobody, so its personas sign in with a
# password only. Accounts signed in through the identity provider (OIDC) are exempt:
# the provider owns their second factor.
AIMS_MFA_REQUIRED_ROLES = envlist(
    "AIMS_MFA_REQUIRED_ROLES",
    [] if DEBUG else ["Administrator", "Governance committee"],
)
# The name authenticator apps show next to the code.
OTP_TOTP_ISSUER = env("AIMS_MFA_ISSUER") or f"AIMS {AIMS_ORGANISATION_NAME}"
# Administrators reset a lost device in the admin site; they never read its key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Single sign-on with the organisation's identity provider (OpenID Connect, aims.oidc;
# mozilla-django-oidc, code flow with PKCE). Off unless AIMS_OIDC_ENABLED=1. Register
# the portal at the provider with the redirect URI <AIMS_BASE_URL>/oidc/callback/.
# AIMS_OIDC_ROLE_MAP maps the provider's groups to portal roles as JSON, e.g.
# {"aims-committee": "Governance committee", "aims-admins": "Administrator"}; each
# sign-in sets the user's roles to the mapped ones, and nobody without one gets in.
AIMS_OIDC_ENABLED = envbool("AIMS_OIDC_ENABLED", False)
AIMS_OIDC_LABEL = env("AIMS_OIDC_LABEL") or "your organisation's sign-in"
AIMS_OIDC_ISSUER = env("AIMS_OIDC_ISSUER", "")
AIMS_OIDC_GROUPS_CLAIM = env("AIMS_OIDC_GROUPS_CLAIM") or "groups"


def _oidc_role_map(text: str) -> dict:
    import json

    try:
        value = json.loads(text or "{}")
    except ValueError:
        raise ImproperlyConfigured("AIMS_OIDC_ROLE_MAP must be a JSON object") from None
    if not isinstance(value, dict):
        raise ImproperlyConfigured("AIMS_OIDC_ROLE_MAP must be a JSON object")
    return value


AIMS_OIDC_ROLE_MAP = _oidc_role_map(env("AIMS_OIDC_ROLE_MAP", ""))
# mozilla-django-oidc reads these names (empty when SSO is off; its views need them).
OIDC_RP_CLIENT_ID = env("AIMS_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = envsecret("AIMS_OIDC_CLIENT_SECRET") or ""
OIDC_OP_AUTHORIZATION_ENDPOINT = env("AIMS_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env("AIMS_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env("AIMS_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env("AIMS_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env("AIMS_OIDC_SIGN_ALGO") or "RS256"
OIDC_RP_SCOPES = env("AIMS_OIDC_SCOPES") or "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = envint("AIMS_OIDC_TIMEOUT_SECONDS", 10)
OIDC_CREATE_USER = envbool("AIMS_OIDC_CREATE_USERS", True)
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
if AIMS_OIDC_ENABLED:
    _missing = [
        name
        for name, value in (
            ("AIMS_OIDC_CLIENT_ID", OIDC_RP_CLIENT_ID),
            ("AIMS_OIDC_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
            ("AIMS_OIDC_AUTHORIZATION_ENDPOINT", OIDC_OP_AUTHORIZATION_ENDPOINT),
            ("AIMS_OIDC_TOKEN_ENDPOINT", OIDC_OP_TOKEN_ENDPOINT),
            ("AIMS_OIDC_USERINFO_ENDPOINT", OIDC_OP_USER_ENDPOINT),
            ("AIMS_OIDC_JWKS_ENDPOINT", OIDC_OP_JWKS_ENDPOINT),
            ("AIMS_OIDC_ROLE_MAP", AIMS_OIDC_ROLE_MAP),
        )
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"AIMS_OIDC_ENABLED=1 needs {', '.join(_missing)}"
        )
    # After the password backends: it answers only the provider's callback.
    AUTHENTICATION_BACKENDS.append("aims.oidc.PortalOIDCBackend")

# Internationalisation: times are stored and shown in UTC (evidence must be unambiguous).

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static and uploaded files

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT") or DATA_DIR / "media")
# Evidence files and evidence packs go through the "default" storage: the local
# filesystem, or an S3-compatible bucket when several web/worker hosts share the files.
AIMS_S3_BUCKET = env("AIMS_S3_BUCKET")
if AIMS_S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AIMS_S3_BUCKET,
            "endpoint_url": env("AIMS_S3_ENDPOINT_URL") or None,
            "region_name": env("AIMS_S3_REGION") or None,
            "access_key": env("AIMS_S3_ACCESS_KEY_ID") or None,
            "secret_key": envsecret("AIMS_S3_SECRET_ACCESS_KEY") or None,
            "location": env("AIMS_S3_PREFIX", ""),
            # Private objects, never overwritten; downloads go through the portal.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    # Files under MEDIA_ROOT; there is no MEDIA_URL: files are served by views that
    # check permissions, never by the web server.
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
AIMS_MAX_IMPORT_BYTES = envint("AIMS_MAX_IMPORT_BYTES", 2 * 1024 * 1024)
AIMS_MAX_IMPORT_ROWS = envint("AIMS_MAX_IMPORT_ROWS", 5000)
AIMS_MAX_EVIDENCE_BYTES = envint("AIMS_MAX_EVIDENCE_BYTES", 25 * 1024 * 1024)
# Office documents (ZIP inside): refused when they unpack beyond this, are compressed
# more than this ratio (a ZIP bomb) or hold more parts; macros (vbaProject.bin) never.
AIMS_MAX_UNPACKED_BYTES = envint("AIMS_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)
AIMS_MAX_ZIP_RATIO = envint("AIMS_MAX_ZIP_RATIO", 100)
AIMS_MAX_ZIP_ENTRIES = envint("AIMS_MAX_ZIP_ENTRIES", 5000)
# PDFs with JavaScript or actions on opening: "refuse", "flag" (accept, log, note) or
# "allow".
AIMS_PDF_ACTIVE_CONTENT = (env("AIMS_PDF_ACTIVE_CONTENT") or "refuse").lower()
if AIMS_PDF_ACTIVE_CONTENT not in ("refuse", "flag", "allow"):
    raise ImproperlyConfigured("AIMS_PDF_ACTIVE_CONTENT must be refuse, flag or allow")
# Virus scanning by ClamAV: clamd's Unix socket, or its host and port. Off when unset.
AIMS_CLAMD_SOCKET = env("AIMS_CLAMD_SOCKET", "")
AIMS_CLAMD_HOST = env("AIMS_CLAMD_HOST", "")
AIMS_CLAMD_PORT = envint("AIMS_CLAMD_PORT", 3310)
AIMS_CLAMD_TIMEOUT = envint("AIMS_CLAMD_TIMEOUT", 30)
# When clamd does not answer: refuse uploads (default) or accept them unscanned.
AIMS_CLAMD_FAIL_OPEN = envbool("AIMS_CLAMD_FAIL_OPEN", False)
# A request body larger than this is refused (413) before it is read: the largest
# upload plus room for the form's other fields.
AIMS_MAX_REQUEST_BYTES = envint(
    "AIMS_MAX_REQUEST_BYTES",
    max(AIMS_MAX_EVIDENCE_BYTES, AIMS_MAX_IMPORT_BYTES) + 1024 * 1024,
)
FILE_UPLOAD_HANDLERS = [
    "aims.middleware.RequestSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Evidence whose "valid until" is this close shows as expiring.
AIMS_EVIDENCE_EXPIRY_WARNING_DAYS = envint("AIMS_EVIDENCE_EXPIRY_WARNING_DAYS", 30)
# Uploads above this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Evidence packs: seconds one PDF build may take (soft limit; the hard limit is 30 s
# more). A pack queued or building for longer than this plus 90 s may be retried.
AIMS_PACK_TIME_LIMIT = envint("AIMS_PACK_TIME_LIMIT", 300)
# Pack builds have a Celery queue of their own, so reminders and checks never wait
# behind them (docker-compose.yml runs a worker for each queue).
AIMS_PACK_QUEUE = env("AIMS_PACK_QUEUE", "packs")
# A building worker says it is alive this often; a build silent for AIMS_PACK_LOST_AFTER
# seconds lost its worker and is rebuilt ("Worker lost, rebuilding"), at most
# AIMS_PACK_MAX_ATTEMPTS times in all.
AIMS_PACK_HEARTBEAT_SECONDS = envint("AIMS_PACK_HEARTBEAT_SECONDS", 10)
AIMS_PACK_LOST_AFTER = envint("AIMS_PACK_LOST_AFTER", 60)
AIMS_PACK_MAX_ATTEMPTS = envint("AIMS_PACK_MAX_ATTEMPTS", 3)
# How often beat sends pack messages the broker did not take (outbox) and reclaims
# lost builds.
AIMS_PACK_OUTBOX_SECONDS = envint("AIMS_PACK_OUTBOX_SECONDS", 30)
# Auditor bundles copy every evidence file of their packs: a longer limit (seconds).
AIMS_BUNDLE_TIME_LIMIT = envint("AIMS_BUNDLE_TIME_LIMIT", 1800)
# Background exports (XLSX of a large list): 100,000 risks take about two minutes.
AIMS_EXPORT_TIME_LIMIT = envint("AIMS_EXPORT_TIME_LIMIT", 900)

# Cache: Redis when configured, so every web process shares it. A Redis that is down
# or hangs makes cache reads miss and writes do nothing (aims.cache), so throttles
# let requests through and log it rather than answering 500.

REDIS_URL = env("REDIS_URL")
if not DEBUG and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL is required when DJANGO_DEBUG=0")
# Seconds to wait for Redis (cache and broker) to connect or answer: a hanging Redis
# must not hold a request until gunicorn kills it.
REDIS_TIMEOUT = envint("REDIS_TIMEOUT", 3)
CACHES = {
    "default": (
        {
            "BACKEND": "aims.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_timeout": REDIS_TIMEOUT,
                "socket_connect_timeout": REDIS_TIMEOUT,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Security

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "aims.views.errors.csrf_failure"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
if envbool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy (django-csp): scripts and styles only from the portal's own
# static files, no inline script or style, no framing, forms post only to the portal.
# data: images are Bootstrap's form icons (SVG in its CSS).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# /healthz is probed over plain HTTP by the container orchestrator.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Email

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "aims-portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Logging

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"refusals": {"()": "aims.log_filters.RefusalFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Django's own console handler would print every error a second time.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        # A 403 is one INFO line (user, path, reason), not a traceback.
        "django.request": {"filters": ["refusals"]},
        # WeasyPrint logs every layout step at INFO (evidence packs); keep its warnings.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Django REST framework and drf-spectacular

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "aims.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "aims.api.pagination.BoundedPageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "aims.api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "aims.api.schema.AimsAutoSchema",
    "EXCEPTION_HANDLER": "aims.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_THROTTLE_RATES": {"login": env("AIMS_LOGIN_RATE", "10/minute")},
    # DRF's own reading of X-Forwarded-For trusts the client; our throttles use
    # aims.client_address instead, and any other reads the peer address only.
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AIMS governance portal API",
    "DESCRIPTION": "ISO/IEC 42001 AI management system records: AI system register, "
    "change log, users and roles.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "RiskLevelEnum": "risk.choices.RiskLevel",
        "RiskStatusEnum": "risk.choices.RiskStatus",
        "ActionStatusEnum": "risk.choices.ActionStatus",
        "LifecycleStageEnum": "registry.choices.LifecycleStage",
        "EvidenceKindEnum": "controls.choices.EvidenceKind",
        "NotificationKindEnum": "aims.models.notifications.Notification.Kind",
        "ImplementationStatusEnum": "controls.choices.ImplementationStatus",
        "PackStatusEnum": "audit.choices.PackStatus",
        "SoAStatusEnum": "controls.choices.SoAStatus",
        "SelfAssessmentStatusEnum": "aims.models.readiness.SelfAssessment.Status",
        "IncidentStatusEnum": "incidents.choices.IncidentStatus",
        "ConcernStatusEnum": "incidents.choices.ConcernStatus",
        "EUOperatorRoleEnum": "registry.choices.EUOperatorRole",
        "EURiskTierEnum": "registry.choices.EURiskTier",
        "IssueKindEnum": "governance.choices.IssueKind",
        "RecordStatusEnum": "governance.choices.RecordStatus",
        # One name for draft/approved/superseded: scope versions and audit programmes.
        "ApprovalStatusEnum": "governance.choices.ScopeStatus",
        "DocumentVersionStatusEnum": "governance.choices.VersionStatus",
        "ObjectiveStatusEnum": "governance.choices.ObjectiveStatus",
        "PlannedChangeStatusEnum": "governance.choices.ChangeStatus",
        "AuditStatusEnum": "audit.choices.AuditStatus",
        "FindingStatusEnum": "audit.choices.FindingStatus",
        "NonconformityStatusEnum": "audit.choices.NonconformityStatus",
        "CorrectiveActionStatusEnum": "audit.choices.CorrectiveActionStatus",
        "ManagementReviewStatusEnum": "audit.choices.ReviewStatus",
        "DecisionStatusEnum": "audit.choices.DecisionStatus",
        "AISystemRoleEnum": "governance.choices.SystemRole",
    },
    # Swagger UI from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# django-guardian: the anonymous user gets no object permissions.

ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# django-tables2

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
AIMS_PAGE_SIZE = 25

# Celery: without REDIS_URL tasks run in-process (embedded default).

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 600)
# Long builds (packs, auditor bundles) on their own queue.
CELERY_TASK_ROUTES = {
    "audit.evidence_pack_build": {"queue": AIMS_PACK_QUEUE},
    "audit.auditor_bundle_build": {"queue": AIMS_PACK_QUEUE},
    "audit.export_build": {"queue": AIMS_PACK_QUEUE},
}
# Redis gives an unacknowledged message to another worker after the visibility
# timeout. Above the longest task (pack and bundle hard limits, CELERY_TASK_TIME_LIMIT)
# plus a minute, a running build is never handed out twice, and a message of a worker
# killed as a whole comes back within that time, not kombu's default hour (the outbox
# reclaims a pack sooner still).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": max(
        AIMS_PACK_TIME_LIMIT + 30,
        AIMS_BUNDLE_TIME_LIMIT + 30,
        AIMS_EXPORT_TIME_LIMIT + 30,
        CELERY_TASK_TIME_LIMIT,
    )
    + 60,
    "socket_timeout": REDIS_TIMEOUT,
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_keepalive": True,
    "health_check_interval": 25,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "socket_timeout": REDIS_TIMEOUT,
    "socket_connect_timeout": REDIS_TIMEOUT,
}
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT
CELERY_REDIS_RETRY_ON_TIMEOUT = False
# Workers survive a Redis restart: reconnect for ever (with back-off) instead of exiting.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
# A build keeps running through a broker reconnection; if its message is handed out
# again meanwhile, the pack's heartbeat tells the second delivery to do nothing.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TIMEZONE = TIME_ZONE
# Beat reads its schedule from the database (django-celery-beat), so an administrator
# edits it in the admin site (Periodic tasks). Entries below are written into the
# database at every beat start, so they keep the value set here; the daily reminders
# entry is created once after migrate instead (aims.reminders), and then belongs to
# the administrator.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Daily from the newest checkpoint (reads a day's entries), weekly the whole chain
    # (the only check that finds an old entry altered without recomputing the chain).
    "change-log-verify": {
        "task": "aims.change_log_verify",
        "schedule": envint("AIMS_CHANGE_LOG_VERIFY_SECONDS", 24 * 3600),
        "kwargs": {"full": False},
    },
    "change-log-verify-full": {
        "task": "aims.change_log_verify",
        "schedule": envint("AIMS_CHANGE_LOG_FULL_VERIFY_SECONDS", 7 * 24 * 3600),
        "kwargs": {"full": True},
    },
    "evidence-verify": {
        "task": "controls.evidence_verify",
        "schedule": envint("AIMS_EVIDENCE_VERIFY_SECONDS", 24 * 3600),
    },
    "pack-outbox": {
        "task": "audit.pack_outbox",
        "schedule": AIMS_PACK_OUTBOX_SECONDS,
    },
}

# Review reminders and escalation (aims/reminders.py)


def _days(name: str, default: list[str]) -> tuple[int, ...]:
    try:
        days = tuple(int(value) for value in envlist(name, default))
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be comma-separated whole numbers of days"
        ) from None
    if any(day < 0 for day in days) or len(set(days)) != len(days):
        raise ImproperlyConfigured(f"{name} must list different days, none negative")
    return days


_WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)

# Days before the due date at which the responsible people are reminded (and then once
# when overdue).
AIMS_REMINDER_LEAD_DAYS = tuple(
    sorted(_days("AIMS_REMINDER_LEAD_DAYS", ["30", "7"]), reverse=True)
)
# Days overdue after which the reminder also goes to the owner's escalation contact,
# then to the governance committee (at most two steps).
AIMS_ESCALATION_DAYS = tuple(sorted(_days("AIMS_ESCALATION_DAYS", ["7", "14"])))
if len(AIMS_ESCALATION_DAYS) > 2 or 0 in AIMS_ESCALATION_DAYS:
    raise ImproperlyConfigured(
        "AIMS_ESCALATION_DAYS takes at most two values above 0 (escalation contact, "
        "then governance committee)"
    )
# Reminders counted in hours (hourly sources: serious-incident reports, EU AI Act
# Art. 73): hours before the moment due at which the responsible people hear again (on
# top of the lead days), and hours overdue after which it escalates to the escalation
# contact, then to the governance committee.
AIMS_URGENT_LEAD_HOURS = tuple(
    sorted(_days("AIMS_URGENT_LEAD_HOURS", ["24", "4"]), reverse=True)
)
AIMS_URGENT_ESCALATION_HOURS = tuple(
    sorted(_days("AIMS_URGENT_ESCALATION_HOURS", ["2", "8"]))
)
if len(AIMS_URGENT_ESCALATION_HOURS) > 2 or 0 in AIMS_URGENT_ESCALATION_HOURS:
    raise ImproperlyConfigured(
        "AIMS_URGENT_ESCALATION_HOURS takes at most two values above 0 (escalation "
        "contact, then governance committee)"
    )
# The weekday on which people who chose a weekly digest get it.
_digest_weekday = (env("AIMS_DIGEST_WEEKDAY") or "monday").strip().lower()
if _digest_weekday not in _WEEKDAYS:
    raise ImproperlyConfigured(
        f"AIMS_DIGEST_WEEKDAY must be one of {', '.join(_WEEKDAYS)}"
    )
AIMS_DIGEST_WEEKDAY = _WEEKDAYS.index(_digest_weekday)
# Where people reach the portal: the links in e-mails start with it.
AIMS_BASE_URL = (env("AIMS_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")

# Per-user limits on expensive work (aims.throttles): "N/second|minute|hour|day";
# empty turns a limit off.
AIMS_RATES = {
    "export": env("AIMS_EXPORT_RATE", "30/minute"),
    "schema": env("AIMS_SCHEMA_RATE", "10/minute"),
    "heatmap": env("AIMS_HEATMAP_RATE", "120/minute"),
    "pack": env("AIMS_PACK_RATE", "30/hour"),
}
# Seconds a 503 (database unreachable) tells clients to wait before retrying.
AIMS_RETRY_AFTER_SECONDS = envint("AIMS_RETRY_AFTER_SECONDS", 10)

# Approvals and other decisions need a sign-in (or a confirmation) this recent, seconds.
AIMS_REAUTH_MAX_AGE = envint("AIMS_REAUTH_MAX_AGE", 15 * 60)
