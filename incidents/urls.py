from django.urls import include, path

from aims.views.urls import model_urls

from . import views
from .models import Concern, Incident

app_name = "incidents"

urlpatterns = [
    path(
        "<int:pk>/triage/", views.IncidentTriageView.as_view(), name="incident_triage"
    ),
    path(
        "<int:pk>/status/",
        views.IncidentTransitionView.as_view(),
        name="incident_transition",
    ),
    path("<int:pk>/close/", views.IncidentCloseView.as_view(), name="incident_close"),
    path(
        "<int:incident_pk>/timeline/add/",
        views.TimelineEntryEditView.as_view(),
        name="timelineentry_add",
    ),
    path(
        "timeline/<int:pk>/edit/",
        views.TimelineEntryEditView.as_view(),
        name="timelineentry_edit",
    ),
    path(
        "timeline/<int:pk>/delete/",
        views.TimelineEntryDeleteView.as_view(),
        name="timelineentry_delete",
    ),
    path(
        "concerns/",
        include(
            model_urls(
                Concern,
                list=views.ConcernListView,
                detail=views.ConcernDetailView,
                edit=views.ConcernEditView,
                delete=views.ConcernDeleteView,
            )
        ),
    ),
    *model_urls(
        Incident,
        list=views.IncidentListView,
        detail=views.IncidentDetailView,
        edit=views.IncidentEditView,
        delete=views.IncidentDeleteView,
    ),
]
