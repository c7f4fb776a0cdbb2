from .base import AimsModel, ChangeLogged, ReferenceCounter
from .change_log import ChangeLogCheckpoint, ObjectChange
from .lookups import Tag
from .notifications import Notification, NotificationPreference
from .readiness import GapReport, SelfAssessment
from .users import User

__all__ = [
    "AimsModel",
    "ChangeLogCheckpoint",
    "ChangeLogged",
    "GapReport",
    "Notification",
    "NotificationPreference",
    "ObjectChange",
    "ReferenceCounter",
    "SelfAssessment",
    "Tag",
    "User",
]
