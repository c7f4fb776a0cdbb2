from django.urls import include, path

from aims.views.urls import model_urls

from . import monitoring_views as monitoring
from . import views
from .models import Concern, Incident, MonitoringMetric, MonitoringPlan

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
    path(
        "monitoring/plans/",
        include(
            model_urls(
                MonitoringPlan,
                list=monitoring.MonitoringPlanListView,
                detail=monitoring.MonitoringPlanDetailView,
                edit=monitoring.MonitoringPlanEditView,
                delete=monitoring.MonitoringPlanDeleteView,
            )
        ),
    ),
    path(
        "monitoring/metrics/",
        include(
            model_urls(
                MonitoringMetric,
                list=monitoring.MonitoringMetricListView,
                detail=monitoring.MonitoringMetricDetailView,
                edit=monitoring.MonitoringMetricEditView,
                delete=monitoring.MonitoringMetricDeleteView,
            )
        ),
    ),
    path(
        "monitoring/metrics/<int:metric_pk>/results/add/",
        monitoring.MonitoringResultEditView.as_view(),
        name="monitoringresult_add",
    ),
    path(
        "monitoring/results/<int:pk>/edit/",
        monitoring.MonitoringResultEditView.as_view(),
        name="monitoringresult_edit",
    ),
    path(
        "monitoring/results/<int:pk>/delete/",
        monitoring.MonitoringResultDeleteView.as_view(),
        name="monitoringresult_delete",
    ),
    *model_urls(
        Incident,
        list=views.IncidentListView,
        detail=views.IncidentDetailView,
        edit=views.IncidentEditView,
        delete=views.IncidentDeleteView,
    ),
]
