"""Services for users, roles and API tokens (who may do what in the AIMS, ISO 42001 5.3)."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from .context import attributed_to
from .history import change_scope
from .models import User
from .roles import ADMINISTRATOR, ROLE_DESCRIPTIONS

__all__ = [
    "role_description",
    "token_revoke",
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
        had_administrator = _administrator_exists()
        user.groups.set(roles)
        is_admin = any(role.name == ADMINISTRATOR for role in roles)
        if user.is_staff != is_admin and not user.is_superuser:
            user.is_staff = is_admin
            user.save(update_fields=["is_staff"])
        _keep_an_administrator(had_administrator)


def user_create(
    *, actor, username: str, password: str | None = None, roles=(), **fields
) -> User:
    """Create a user; the password must pass the configured password validators."""
    with attributed_to(actor), change_scope():
        user = User(username=username, **fields)
        _validate_username(user)
        if password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ValidationError({"password": exc.messages}) from None
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        user_set_roles(user=user, roles=roles)
    return user


def user_update(*, user: User, actor, roles=None, **fields) -> User:
    """Change a user's details, roles or active flag. Passwords are changed by their
    owner (or reset), never set here. The last active administrator stays one."""
    with attributed_to(actor), change_scope():
        had_administrator = _administrator_exists()
        for name, value in fields.items():
            setattr(user, name, value)
        _validate_username(user)
        user.full_clean(exclude=["password"])
        user.save()
        if roles is not None:
            user_set_roles(user=user, roles=roles)
        _keep_an_administrator(had_administrator)
    return user


def _validate_username(user: User) -> None:
    # "Maria" and "maria" would be two people to the database but one to a reader.
    clash = User.objects.filter(username__iexact=user.username).exclude(pk=user.pk)
    if clash.exists():
        raise ValidationError({"username": "A user with that username already exists."})


def _administrator_exists() -> bool:
    active = User.objects.filter(is_active=True)
    return (
        active.filter(groups__name=ADMINISTRATOR).exists()
        or active.filter(is_superuser=True).exists()
    )


def _keep_an_administrator(had_administrator: bool) -> None:
    if had_administrator and not _administrator_exists():
        raise ValidationError(
            "This would leave the portal without an active administrator; "
            "give someone else the Administrator role first."
        )


def token_rotate(*, user: User) -> Token:
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def token_revoke(*, user: User) -> int:
    """Delete the user's API token: calls with it get 401 until a new one is issued."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted


@receiver(pre_save, sender=User, dispatch_uid="aims_password_change_revokes_token")
def _revoke_token_on_password_change(sender, instance, raw=False, **kwargs):
    # Whoever learnt the old password may have taken the token too: a new password
    # (changed, reset or set by an administrator) revokes it. Sessions end through
    # Django's session hash, which also follows the password.
    # ``_password`` holds the new raw password from set_password() until the save
    # ends; a hash upgraded at login (same password) saves without it.
    if raw or instance.pk is None or getattr(instance, "_password", None) is None:
        return
    token_revoke(user=instance)
