from django.urls import path

from aims.api.routes import Route

from . import views

routes = [
    Route("organisation-context", views.OrganisationContextViewSet),
    Route("context-issues", views.ContextIssueViewSet),
    Route("interested-parties", views.InterestedPartyViewSet),
    Route("party-requirements", views.PartyRequirementViewSet),
    Route("scope-versions", views.ScopeVersionViewSet),
    Route("documents", views.DocumentViewSet),
    Route("document-versions", views.DocumentVersionViewSet),
    Route("objectives", views.ObjectiveViewSet),
    Route("indicators", views.IndicatorViewSet),
    Route("measurements", views.MeasurementViewSet),
    Route("planned-changes", views.PlannedChangeViewSet),
    Route("aims-roles", views.AimsRoleViewSet),
    Route("role-assignments", views.RoleAssignmentViewSet),
    Route("commitments", views.CommitmentViewSet),
    Route("ai-system-role-assignments", views.SystemRoleAssignmentViewSet),
    Route("competence-requirements", views.CompetenceRequirementViewSet),
    Route("training-records", views.TrainingRecordViewSet),
    Route("communication-plan", views.CommunicationItemViewSet),
    Route("communication-records", views.CommunicationRecordViewSet),
]

urlpatterns = [
    path(
        "competence-gaps/",
        views.CompetenceGapsView.as_view(),
        name="api-governance-competence-gaps",
    ),
    path(
        "to-acknowledge/",
        views.ToAcknowledgeView.as_view(),
        name="api-governance-to-acknowledge",
    ),
    path(
        "document-versions/<int:pk>/acknowledge/",
        views.AcknowledgeView.as_view(),
        name="api-governance-acknowledge",
    ),
]
