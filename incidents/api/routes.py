from aims.api.routes import Route

from .views import ConcernViewSet, IncidentViewSet, TimelineEntryViewSet

routes = [
    Route("incidents", IncidentViewSet),
    Route("incident-timeline", TimelineEntryViewSet),
    Route("concerns", ConcernViewSet),
]
