from .concerns import REFERENCE_PREFIX as CONCERN_PREFIX
from .concerns import Concern
from .incidents import REFERENCE_PREFIX, Incident, TimelineEntry
from .permissions import (
    ConcernGroupObjectPermission,
    ConcernUserObjectPermission,
    IncidentGroupObjectPermission,
    IncidentUserObjectPermission,
)

__all__ = [
    "CONCERN_PREFIX",
    "REFERENCE_PREFIX",
    "Concern",
    "ConcernGroupObjectPermission",
    "ConcernUserObjectPermission",
    "Incident",
    "IncidentGroupObjectPermission",
    "IncidentUserObjectPermission",
    "TimelineEntry",
]
