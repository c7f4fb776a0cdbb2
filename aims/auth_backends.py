"""Django's password backend, with each user's model-level permissions read once per
permission generation instead of twice per request.

Every request asks what its user may do in general (``user.has_perm``) before it asks
about records, and Django answers from two queries (the user's own permissions and their
groups'), about 3 ms of each API request at the large size. What a user may do changes
only when their roles, their own permissions, a role's permissions or the user record
change, or a role is deleted; each of those starts a new generation
(``aims.counting``), which is part of the key, so the next request reads the new rights.

Not cached: reads inside a transaction (a service's ``atomic`` block, every test), where
the generation of the rows being changed is not committed yet. The entries also expire
after a minute, so that a generation lost with the cache (Redis restarting just after a
role was withdrawn) keeps no withdrawn right for longer.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from . import counting

PERMISSIONS_TIMEOUT = 60


class PermissionCacheModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return super().get_all_permissions(user_obj, obj)
        if hasattr(user_obj, "_perm_cache"):
            return user_obj._perm_cache
        key = counting.permissions_key(user_obj)
        found = cache.get(key) if key else None
        if found is not None:
            user_obj._perm_cache = set(found)
            return user_obj._perm_cache
        permissions = super().get_all_permissions(user_obj)
        if key:
            cache.set(key, permissions, PERMISSIONS_TIMEOUT)
        return permissions
