"""The one permission rule of the portal, used by pages, templates and the API alike.

A user may do ``action`` (view, add, change, delete) on an object when their roles grant
the model-wide permission, or when they hold the object permission on that very object
(django-guardian). Nothing else in the code calls ``has_perm`` or guardian directly.

Records people hold object permissions on declare guardian's direct foreign-key
permission models (``UserObjectPermissionBase``/``GroupObjectPermissionBase``
subclasses, see DEVELOPERS.md), so ``visible_to`` filters on integer keys that an index
answers, and inherited visibility (the owner of an AI system sees its risks) is one more
integer subquery, never a scan of guardian's generic text column.
"""

import functools

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import models
from django.db.models.expressions import RawSQL
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from guardian.shortcuts import assign_perm, remove_perm

__all__ = [
    "ACTIONS",
    "can",
    "grant",
    "direct_permission_models",
    "has_direct_permission_models",
    "move_ownership",
    "perm_name",
    "permitted_actions",
    "revoke",
    "visible_to",
]

ACTIONS = ("view", "add", "change", "delete")


def perm_name(model, action: str) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def can(user, action: str, obj_or_model) -> bool:
    """May ``user`` do ``action`` on this object (or, given a model class, on any object)?

    A model may declare ``inherit_permissions = {action: (parent_field, parent_action)}``:
    then ``action`` is also allowed wherever ``parent_action`` is allowed on the parent
    (e.g. the owner of an AI system sees its risks).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if isinstance(obj_or_model, type) and issubclass(obj_or_model, models.Model):
        return user.has_perm(perm_name(obj_or_model, action))
    perm = perm_name(type(obj_or_model), action)
    if user.has_perm(perm) or user.has_perm(perm, obj_or_model):
        return True
    inherited = getattr(obj_or_model, "inherit_permissions", {}).get(action)
    if inherited is not None:
        parent = getattr(obj_or_model, inherited[0])
        return parent is not None and can(user, inherited[1], parent)
    return False


def visible_to(
    queryset: models.QuerySet, user, action: str = "view"
) -> models.QuerySet:
    """The part of ``queryset`` on which ``user`` may do ``action``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.has_perm(perm_name(queryset.model, action)):
        return queryset
    through_parent = _parent_condition(queryset.model, user, action)
    if through_parent is not None:
        return queryset.filter(**through_parent)
    return queryset.filter(pk__in=_granted_ids(queryset.model, user, action))


def _parent_condition(model, user, action: str) -> dict | None:
    """For a model whose rows are granted only through their parent (no object-permission
    tables of its own, e.g. treatment actions through their risk), the condition on the
    parent key itself, instead of ``pk IN`` a subquery of the same table: the planner
    then reads the parent's few ids first rather than checking rows one by one in list
    order (an owner's treatment actions at 250,000 rows: 879 ms before, 14 ms after).
    The same rows as ``_granted_ids``; ``None`` when the model has tables of its own."""
    if has_direct_permission_models(model):
        return None
    return _inherited_condition(model, user, action)


def _inherited_condition(model, user, action: str) -> dict | None:
    """The rows of ``model`` visible through the parent it inherits ``action`` from
    (``inherit_permissions``), as a filter on the parent key; ``None`` without one."""
    inherited = getattr(model, "inherit_permissions", {}).get(action)
    if inherited is None:
        return None
    field, parent_action = inherited
    parent_model = model._meta.get_field(field).related_model
    if user.has_perm(perm_name(parent_model, parent_action)):
        return {f"{field}__isnull": False}
    return {f"{field}__in": _granted_ids(parent_model, user, parent_action)}


# Built subqueries by (model, action, user, the user's model-level permissions): building
# one is several milliseconds of ORM work per request (a risk's goes through its AI
# system's), the same for every request of that user. Only SQL is kept, never rows, so
# what it selects is read from the tables each time it runs.
_GRANTED_IDS_LIMIT = 2048
_granted_ids_built: dict[tuple, RawSQL | models.QuerySet] = {}


def _granted_ids(model, user, action: str) -> RawSQL | models.QuerySet:
    """Ids of ``model`` rows ``user`` may do ``action`` on through object permissions
    (their own or their groups') or through the parent the model inherits from.

    One subquery of integer ids: a UNION of index lookups on the direct permission
    tables, so the planner can fetch the few rows an owner holds by primary key.
    """
    key = (
        model,
        action,
        user.pk,
        user.is_superuser,
        frozenset(user.get_all_permissions()),
    )
    built = _granted_ids_built.get(key)
    if built is None:
        if len(_granted_ids_built) >= _GRANTED_IDS_LIMIT:
            _granted_ids_built.clear()
        built = _granted_ids_built[key] = _build_granted_ids(model, user, action)
    return built


def forget_built_subqueries(**kwargs) -> None:
    """After a migration (or a test's flush) content types and permissions may have new
    ids, which the built SQL names: build again (``post_migrate``)."""
    _granted_ids_built.clear()


def _build_granted_ids(model, user, action: str) -> RawSQL | models.QuerySet:
    """The union as SQL, compiled once: compiling it again for every request (and for
    the count's cache key) was most of what an owner's request cost more than an
    administrator's. Empty when nothing can be granted."""
    parts = _object_permission_ids(model, user, action)
    condition = _inherited_condition(model, user, action)
    if condition is not None:
        parts.append(model._default_manager.filter(**condition).order_by().values("pk"))
    first, *rest = parts
    union = first.union(*rest) if rest else first
    try:
        sql, params = union.query.sql_with_params()
    except EmptyResultSet:
        return model._default_manager.none().values("pk")
    # Django's own SQL for the union, its values still separate parameters.
    return RawSQL(sql, params, output_field=models.BigIntegerField())  # noqa: S611


def _object_permission_ids(model, user, action: str) -> list[models.QuerySet]:
    codename = f"{action}_{model._meta.model_name}"
    permission = Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(model), codename=codename
    ).values("pk")
    user_model, group_model = direct_permission_models(model)
    if user_model is None or group_model is None:
        # No direct tables, so no object permissions (``grant`` refuses such models):
        # only what the model inherits from its parent.
        return [model._default_manager.none().values("pk")]
    return [
        user_model.objects.filter(user=user, permission__in=permission)
        .order_by()
        .values("content_object_id"),
        # The user's groups from the membership table alone (no join to auth_group):
        # less for the planner, which plans these unions on every request.
        group_model.objects.filter(
            group_id__in=user.groups.through.objects.filter(user=user).values(
                "group_id"
            ),
            permission__in=permission,
        )
        .order_by()
        .values("content_object_id"),
    ]


@functools.cache
def direct_permission_models(model) -> tuple[type | None, type | None]:
    """``model``'s direct user and group permission models (None where it has none)."""
    found = {UserObjectPermissionBase: None, GroupObjectPermissionBase: None}
    for relation in model._meta.related_objects:
        related = relation.related_model
        if relation.field.name != "content_object":
            continue
        for base in found:
            if issubclass(related, base):
                found[base] = related
    return found[UserObjectPermissionBase], found[GroupObjectPermissionBase]


def has_direct_permission_models(model) -> bool:
    """Whether ``model`` declares guardian's direct foreign-key permission tables."""
    return None not in direct_permission_models(model)


def users_with(model, action: str):
    """Active users whose roles (or own permissions) grant ``action`` on every ``model``."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    app_label, codename = perm_name(model, action).split(".")
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission)
        )
        .distinct()
    )


def permitted_actions(user, obj) -> set[str]:
    return {action for action in ACTIONS if action != "add" and can(user, action, obj)}


def grant(user, obj, actions=("view", "change")) -> None:
    """Give ``user`` object permissions on ``obj`` (e.g. an AI system to its owner)."""
    if not has_direct_permission_models(type(obj)):
        raise ImproperlyConfigured(
            f"{type(obj)._meta.label} has no direct object permission tables; declare "
            f"{type(obj).__name__}UserObjectPermission and "
            f"{type(obj).__name__}GroupObjectPermission (DEVELOPERS.md, step 3)."
        )
    for action in actions:
        assign_perm(perm_name(type(obj), action), user, obj)


def revoke(user, obj, actions=("view", "change")) -> None:
    for action in actions:
        remove_perm(perm_name(type(obj), action), user, obj)


def move_ownership(obj, previous_owner, new_owner) -> None:
    """The owner's object permissions follow the record when its owner changes."""
    if previous_owner == new_owner:
        return
    if previous_owner is not None:
        revoke(previous_owner, obj)
    if new_owner is not None:
        grant(new_owner, obj)


def users_who_see_every_owned_record():
    """Active users whose roles let them see every record that has per-object owners
    (AI systems, risks, evidence, ...): the people who may stand in for any owner, e.g.
    as an escalation contact, without being shown records they may not see."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from .roles import GOVERNANCE_APPS

    users = get_user_model().objects.filter(is_active=True)
    for model in apps.get_models():
        if model._meta.app_label in GOVERNANCE_APPS and has_direct_permission_models(
            model
        ):
            users = users.filter(pk__in=users_with(model, "view").values("pk"))
    return users
