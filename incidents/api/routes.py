from aims.api.routes import Route

from .monitoring import (
    MonitoringMetricViewSet,
    MonitoringPlanViewSet,
    MonitoringResultViewSet,
)
from .views import ConcernViewSet, IncidentViewSet, TimelineEntryViewSet

routes = [
    Route("incidents", IncidentViewSet),
    Route("incident-timeline", TimelineEntryViewSet),
    Route("concerns", ConcernViewSet),
    Route("monitoring-plans", MonitoringPlanViewSet),
    Route("monitoring-metrics", MonitoringMetricViewSet),
    Route("monitoring-results", MonitoringResultViewSet),
]
