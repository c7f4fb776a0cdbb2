from django.contrib.auth.models import AbstractUser

from .base import ChangeLogged


class User(ChangeLogged, AbstractUser):
    """A portal user. Roles are groups (``aims.roles``); users are deactivated, not deleted,
    because the change log keeps pointing at them."""

    change_log_exclude = ("password", "last_login", "date_joined")

    class Meta(AbstractUser.Meta):
        ordering = ["username"]
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_full_name() or self.username
