"""The one permission rule of the portal, used by pages, templates and the API alike.

A user may do ``action`` (view, add, change, delete) on an object when their roles grant
the model-wide permission, or when they hold the object permission on that very object
(django-guardian). Nothing else in the code calls ``has_perm`` or guardian directly.
"""

from django.db import models
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

__all__ = [
    "ACTIONS",
    "can",
    "grant",
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
    perm = perm_name(queryset.model, action)
    if user.has_perm(perm):
        return queryset
    granted = get_objects_for_user(
        user,
        perm,
        klass=queryset.model,
        accept_global_perms=False,
        with_superuser=False,
    )
    allowed = models.Q(pk__in=granted.values("pk"))
    inherited = getattr(queryset.model, "inherit_permissions", {}).get(action)
    if inherited is not None:
        field, parent_action = inherited
        parent_model = queryset.model._meta.get_field(field).related_model
        parents = visible_to(parent_model._default_manager.all(), user, parent_action)
        allowed |= models.Q(**{f"{field}__in": parents.values("pk")})
    return queryset.filter(allowed)


def users_with(model, action: str):
    """Active users whose roles (or own permissions) grant ``action`` on every ``model``."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
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
