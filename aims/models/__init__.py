from .base import AimsModel, ChangeLogged, ReferenceCounter
from .change_log import ObjectChange
from .lookups import Tag
from .notifications import Notification, NotificationPreference
from .users import User

__all__ = [
    "AimsModel",
    "ChangeLogged",
    "Notification",
    "NotificationPreference",
    "ObjectChange",
    "ReferenceCounter",
    "Tag",
    "User",
]
