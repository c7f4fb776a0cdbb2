"""Test settings: only overrides of base.py."""

import os

from .base import *  # noqa: F401,F403
from .base import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Test processes (pytest-xdist) share one Redis but number their users alike: each keeps
# its own cache keys, so one's throttle counters or cached figures never reach another.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and "KEY_PREFIX" not in CACHES["default"]:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"test-{_worker}"  # noqa: F405
