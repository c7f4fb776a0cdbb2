"""Per-user limits on expensive work: exports, the API schema, heat maps, pack requests.

``spend(scope)`` counts one use for the person making the current request in a fixed
window (``AIMS_RATES``: "30/minute", "20/hour", ...) and raises ``TooManyRequests``
past the limit; ``aims.middleware.SecurityHeadersMiddleware`` answers it with a 429
and ``Retry-After`` (JSON under ``/api/``, a page elsewhere). Work done outside a
request (Celery, commands) is not counted. The counters live in the cache; when the
cache does not answer, the work is allowed rather than failing the request.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache

from .context import current_actor

logger = logging.getLogger(__name__)

_clock = time.time  # replaced in tests
PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}

__all__ = ["TooManyRequests", "parse_rate", "spend"]


class TooManyRequests(Exception):
    def __init__(self, scope: str, wait: int):
        self.scope, self.wait = scope, wait
        super().__init__(
            f"Too many {LABELS.get(scope, scope)} in a short time; try again in "
            f"{wait} seconds."
        )


LABELS = {
    "export": "exports",
    "schema": "schema downloads",
    "heatmap": "heat-map requests",
    "pack": "evidence-pack requests",
}


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip().rstrip("s")]


def spend(scope: str, user=None) -> None:
    rate = settings.AIMS_RATES.get(scope)
    user = user or current_actor().user
    if not rate or user is None:
        return
    limit, period = parse_rate(rate)
    now = int(_clock())
    window = now // period
    key = f"aims:throttle:{scope}:{user.pk}:{window}"
    try:
        used = 1 if cache.add(key, 1, timeout=period + 1) else cache.incr(key)
    except Exception:  # noqa: BLE001 - a cache outage must not stop the work
        logger.warning("Throttle %s not applied: the cache is not answering", scope)
        return
    if used > limit:
        raise TooManyRequests(scope, period - now % period)
