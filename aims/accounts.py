"""Services for users, roles and API tokens (who may do what in the AIMS, ISO 42001 5.3)."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework.authtoken.models import Token

from .history import change_scope
from .models import User
from .roles import ADMINISTRATOR, ROLE_DESCRIPTIONS

__all__ = [
    "role_description",
    "token_rotate",
    "user_create",
    "user_set_roles",
    "user_update",
]


def role_description(name: str) -> str:
    return ROLE_DESCRIPTIONS.get(name, "")


def user_set_roles(*, user: User, roles: Iterable[Group]) -> None:
    """Replace the user's roles. Administrators also get admin-site access."""
    roles = list(roles)
    with change_scope():
        user.groups.set(roles)
        is_admin = any(role.name == ADMINISTRATOR for role in roles)
        if user.is_staff != is_admin and not user.is_superuser:
            user.is_staff = is_admin
            user.save(update_fields=["is_staff"])


def user_create(
    *, actor, username: str, password: str | None = None, roles=(), **fields
) -> User:
    with change_scope():
        user = User(username=username, **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        user_set_roles(user=user, roles=roles)
    return user


def user_update(*, user: User, actor, roles=None, **fields) -> User:
    with change_scope():
        for name, value in fields.items():
            setattr(user, name, value)
        user.full_clean(exclude=["password"])
        user.save()
        if roles is not None:
            user_set_roles(user=user, roles=roles)
    return user


def token_rotate(*, user: User) -> Token:
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)
