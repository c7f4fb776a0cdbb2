from .base import AimsModel, ChangeLogged, ReferenceCounter
from .change_log import ObjectChange
from .lookups import Tag
from .users import User

__all__ = [
    "AimsModel",
    "ChangeLogged",
    "ObjectChange",
    "ReferenceCounter",
    "Tag",
    "User",
]
