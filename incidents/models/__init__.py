from .concerns import REFERENCE_PREFIX as CONCERN_PREFIX
from .concerns import Concern
from .incidents import REFERENCE_PREFIX, Incident, TimelineEntry
from .monitoring import MonitoringMetric, MonitoringPlan, MonitoringResult
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
    "MonitoringMetric",
    "MonitoringPlan",
    "MonitoringResult",
    "TimelineEntry",
]
