from .context import (
    ContextIssue,
    InterestedParty,
    OrganisationContext,
    PartyRequirement,
)
from .documents import Acknowledgement, Document, DocumentVersion, Publication
from .objectives import Indicator, Measurement, Objective, PlannedChange
from .people import (
    AimsRole,
    Commitment,
    CommunicationItem,
    CommunicationRecord,
    CompetenceRequirement,
    RoleAssignment,
    SystemRoleAssignment,
    TrainingRecord,
)
from .scope import ScopeVersion

__all__ = [
    "AimsRole",
    "Commitment",
    "CommunicationItem",
    "CommunicationRecord",
    "CompetenceRequirement",
    "RoleAssignment",
    "SystemRoleAssignment",
    "TrainingRecord",
    "Acknowledgement",
    "ContextIssue",
    "Document",
    "DocumentVersion",
    "Indicator",
    "InterestedParty",
    "Measurement",
    "Objective",
    "OrganisationContext",
    "PartyRequirement",
    "PlannedChange",
    "Publication",
    "ScopeVersion",
]
