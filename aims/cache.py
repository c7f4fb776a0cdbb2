"""A Redis cache that degrades instead of failing when Redis is down or hangs.

The cache holds nothing that must not be lost (throttle histories, computed fragments):
when Redis cannot be reached a read is a miss, a write is skipped, and the problem is
logged (once a minute per process), so the token endpoint and every throttled view keep
answering instead of raising 500. The timeouts that bound a hanging Redis are in
``CACHES[...]["OPTIONS"]`` (``REDIS_TIMEOUT``).
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_LOG_EVERY_SECONDS = 60
_last_logged = 0.0


def _degraded(operation: str, exc: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= _LOG_EVERY_SECONDS:
        _last_logged = now
        logger.error(
            "Cache unavailable (%s: %s); carrying on without it", operation, exc
        )


class ResilientRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            _degraded("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            _degraded("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            _degraded("has_key", exc)
            return False

    def set(self, key, value, timeout=None, version=None):  # noqa: A003
        try:
            return super().set(key, value, timeout, version)
        except RedisError as exc:
            _degraded("set", exc)
            return None

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            _degraded("add", exc)
            return False

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            _degraded("set_many", exc)
            return list(data)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as exc:
            _degraded("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as exc:
            _degraded("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except RedisError as exc:
            _degraded("delete_many", exc)
            return None

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            _degraded("incr", exc)
            # As for a missing key: callers (rate counters) start again.
            raise ValueError(f"Key {key!r} not found (cache unavailable)") from exc

    def clear(self):
        try:
            return super().clear()
        except RedisError as exc:
            _degraded("clear", exc)
            return False
