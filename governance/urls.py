from django.urls import path

from aims.views.urls import model_urls

from . import views as v
from .models import (
    AimsRole,
    Commitment,
    CommunicationItem,
    CommunicationRecord,
    CompetenceRequirement,
    ContextIssue,
    Document,
    DocumentVersion,
    Indicator,
    InterestedParty,
    Measurement,
    Objective,
    PartyRequirement,
    PlannedChange,
    RoleAssignment,
    ScopeVersion,
    SystemRoleAssignment,
    TrainingRecord,
)

app_name = "governance"


def _under(prefix, patterns):
    return [path(f"{prefix}/{p.pattern}", p.callback, name=p.name) for p in patterns]


def _crud(model, name):
    views = {
        kind: getattr(v, f"{name}{kind.capitalize()}View")
        for kind in ("list", "detail", "edit", "delete")
    }
    return model_urls(model, **views)


urlpatterns = [
    path("", v.OverviewView.as_view(), name="overview"),
    path("context/", v.ContextView.as_view(), name="context"),
    path("context/edit/", v.OrganisationContextEditView.as_view(), name="context_edit"),
    path("scope/", v.ScopeView.as_view(), name="scope"),
    path("competence/", v.CompetenceView.as_view(), name="competence"),
    path("scope/compare/", v.ScopeCompareView.as_view(), name="scope_compare"),
    path(
        "scope/versions/<int:pk>/approve/",
        v.ScopeApproveView.as_view(),
        name="scope_approve",
    ),
    path(
        "documents/<int:pk>/compare/",
        v.DocumentVersionCompareView.as_view(),
        name="document_compare",
    ),
    path(
        "documents/versions/<int:pk>/submit/",
        v.DocumentVersionSubmitView.as_view(),
        name="documentversion_submit",
    ),
    path(
        "documents/versions/<int:pk>/approve/",
        v.DocumentVersionApproveView.as_view(),
        name="documentversion_approve",
    ),
    path(
        "documents/versions/<int:pk>/withdraw/",
        v.DocumentVersionWithdrawView.as_view(),
        name="documentversion_withdraw",
    ),
    path(
        "documents/versions/<int:pk>/publish/",
        v.DocumentVersionPublishView.as_view(),
        name="documentversion_publish",
    ),
    path("read/<int:pk>/", v.ReadView.as_view(), name="read"),
    path("to-acknowledge/", v.ToAcknowledgeView.as_view(), name="to_acknowledge"),
    path(
        "measurements/import/",
        v.MeasurementImportView.as_view(),
        name="measurement_import",
    ),
]
urlpatterns += (
    _under("context/issues", _crud(ContextIssue, "ContextIssue"))
    + _under("parties", _crud(InterestedParty, "InterestedParty"))
    + _under("parties/requirements", _crud(PartyRequirement, "PartyRequirement"))
    + _under("scope/versions", _crud(ScopeVersion, "ScopeVersion"))
    + _under("documents/versions", _crud(DocumentVersion, "DocumentVersion"))
    + _under("documents", _crud(Document, "Document"))
    + _under("objectives/indicators", _crud(Indicator, "Indicator"))
    + _under("objectives", _crud(Objective, "Objective"))
    + _under("measurements", _crud(Measurement, "Measurement"))
    + _under("changes", _crud(PlannedChange, "PlannedChange"))
    + _under("roles/assignments", _crud(RoleAssignment, "RoleAssignment"))
    + _under("roles/commitments", _crud(Commitment, "Commitment"))
    + _under(
        "roles/ai-systems", _crud(SystemRoleAssignment, "SystemRoleAssignment")
    )
    + _under("roles", _crud(AimsRole, "AimsRole"))
    + _under(
        "competence/requirements",
        _crud(CompetenceRequirement, "CompetenceRequirement"),
    )
    + _under("competence/records", _crud(TrainingRecord, "TrainingRecord"))
    + _under("communication/records", _crud(CommunicationRecord, "CommunicationRecord"))
    + _under("communication", _crud(CommunicationItem, "CommunicationItem"))
)
