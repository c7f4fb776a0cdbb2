"""Counts and grouped aggregates computed once per state of the records.

A page's total ("4,213 risks"), a heat map's cells and the SoA's per-control counts are
aggregates over every row the user may see: at 100,000 risks no index makes them cost
what they cost at 1,000. But the governance records change only together with an entry
in the hash-chained change log (the invariant the whole portal keeps), so the newest
entry's hash names the state of all of them: an aggregate computed under one head hash
is the aggregate until the next entry is written. Results are cached under that hash
and the exact SQL (the user's visibility is part of the SQL, so each user, or everyone
who sees everything, gets their own), and any change makes every key new.

What a user may see also changes with object permissions and roles, which are not
change-log entries of their own: saving or deleting one, or changing a user's groups or
a group's permissions, starts a new *generation* (after its transaction commits), and
the generation is part of every key too. So is a migration.

Cases that bypass the cache, because the head hash would not name what they read:
- inside a transaction (a service's ``atomic`` block, every test): its own uncommitted
  changes are not in the head yet, and may be rolled back;
- a query whose tables are not all change-logged records (notifications, sessions, and
  the file jobs whose progress is written without an entry, which set
  ``cache_aggregates = False``): :func:`covered` says which are. A model that is not
  ``ChangeLogged`` but changes only inside its parent's logged change (a risk's
  control links) sets ``cache_aggregates = True``.
The cache is a speed-up only: a cache that is down (``aims.cache``) means computing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection, models, transaction
from django.utils.functional import cached_property

__all__ = [
    "CachedCountPaginator",
    "cached_aggregate",
    "cached_count",
    "covered",
    "new_generation",
    "permissions_key",
    "state_token",
]

T = TypeVar("T")

# Long enough to matter, short enough that an entry no head will name again goes soon.
TIMEOUT = 60 * 60
_KEY_PREFIX = "aims:aggregate"


_GENERATION_KEY = f"{_KEY_PREFIX}:generation"


def state_token() -> str | None:
    """The newest change-log entry's hash and the permission generation, or ``None``
    when caching would be unsafe."""
    if connection.in_atomic_block:
        return None
    from .models import ObjectChange

    head = ObjectChange.objects.order_by("-seq").values_list("hash", flat=True).first()
    return f"{head or 'empty'}:{cache.get(_GENERATION_KEY, '0')}"


def permissions_key(user) -> str | None:
    """The cache key of ``user``'s model-level permissions in this generation, or
    ``None`` when caching would be unsafe (see ``aims.auth_backends``)."""
    if connection.in_atomic_block:
        return None
    generation = cache.get(_GENERATION_KEY, "0")
    return f"{_KEY_PREFIX}:permissions:{generation}:{user.pk}"


def new_generation() -> None:
    """Forget every cached aggregate: permissions or roles changed (or the schema)."""
    transaction.on_commit(lambda: cache.set(_GENERATION_KEY, uuid.uuid4().hex, None))


@lru_cache(maxsize=1)
def _logged_tables() -> frozenset[str]:
    from .models import ChangeLogged

    tables = set()
    for model in apps.get_models():
        logged = issubclass(model, ChangeLogged)
        if getattr(model, "cache_aggregates", logged):
            tables.add(model._meta.db_table)
        if logged:
            # Many-to-many rows are logged as changes of the record that holds them.
            for field in model._meta.local_many_to_many:
                tables.add(field.remote_field.through._meta.db_table)
    return frozenset(tables)


def covered(queryset: models.QuerySet) -> bool:
    """Whether every table ``queryset`` reads (beyond the visibility subqueries, which
    the generation covers) holds change-logged records."""
    tables = {join.table_name for join in queryset.query.alias_map.values()}
    tables.add(queryset.model._meta.db_table)
    return tables <= _logged_tables()


def _key(token: str, label: str, queryset: models.QuerySet) -> str:
    sql, params = queryset.query.sql_with_params()
    digest = hashlib.sha256(
        "\x1f".join((label, sql, repr(params), queryset.db)).encode()
    ).hexdigest()
    return f"{_KEY_PREFIX}:{token}:{digest}"


def cached_aggregate(
    queryset: models.QuerySet,
    compute: Callable[[models.QuerySet], T],
    label: str,
    token: str | None = None,
) -> T:
    """``compute(queryset)``, reused while the records are unchanged. ``label`` tells
    apart different computations over the same queryset; ``token`` passes a head hash
    already read in this request (one lookup for several aggregates)."""
    if not covered(queryset):
        return compute(queryset)
    token = token or state_token()
    if token is None:
        return compute(queryset)
    key = _key(token, label, queryset)
    found = cache.get(key)
    if found is not None:
        return found
    result = compute(queryset)
    cache.set(key, result, TIMEOUT)
    return result


def cached_count(queryset: models.QuerySet, token: str | None = None) -> int:
    # The order does not change a count; without it every sort shares one key.
    return cached_aggregate(queryset.order_by(), lambda qs: qs.count(), "count", token)


class CachedCountPaginator(Paginator):
    """Django's paginator with its ``count`` from :func:`cached_count`, for DRF and for
    django-tables2 (whose rows wrap the queryset: ``BoundRows.data.data``)."""

    @cached_property
    def count(self) -> int:
        table_data = getattr(self.object_list, "data", None)
        queryset = getattr(table_data, "data", self.object_list)
        if not isinstance(queryset, models.QuerySet):
            return super().count
        total = cached_count(queryset)
        if table_data is not None:
            # The table's own length (templates ask it too) is this count.
            table_data._length = total
        return total


def _permissions_changed(sender, instance=None, **kwargs) -> None:
    from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

    if isinstance(instance, (UserObjectPermissionBase, GroupObjectPermissionBase)):
        new_generation()


def _memberships_changed(sender, action=None, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        new_generation()


def _user_saved(sender, instance=None, update_fields=None, **kwargs) -> None:
    # A login saves ``last_login`` alone: nothing a user may see changes.
    if update_fields is None or set(update_fields) - {"last_login"}:
        new_generation()


def connect() -> None:
    """Called from ``AimsConfig.ready``."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import (
        m2m_changed,
        post_delete,
        post_migrate,
        post_save,
    )

    from .permissions import forget_built_subqueries

    user_model = get_user_model()
    post_save.connect(_permissions_changed, dispatch_uid="aims_counting_perm_save")
    post_delete.connect(_permissions_changed, dispatch_uid="aims_counting_perm_delete")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="aims_counting_user")
    # Deleting a role deletes its memberships and permissions without m2m signals.
    post_delete.connect(
        lambda **kwargs: new_generation(),
        sender=Group,
        dispatch_uid="aims_counting_group_delete",
        weak=False,
    )
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            _memberships_changed,
            sender=through,
            dispatch_uid=f"aims_counting_{through._meta.db_table}",
        )
    post_migrate.connect(
        lambda **kwargs: cache.set(_GENERATION_KEY, uuid.uuid4().hex, None),
        dispatch_uid="aims_counting_migrate",
        weak=False,
    )
    post_migrate.connect(
        forget_built_subqueries, dispatch_uid="aims_permissions_migrate"
    )
