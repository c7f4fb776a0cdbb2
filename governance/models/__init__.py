from .context import (
    ContextIssue,
    InterestedParty,
    OrganisationContext,
    PartyRequirement,
)
from .documents import Acknowledgement, Document, DocumentVersion, Publication
from .objectives import Indicator, Measurement, Objective, PlannedChange
from .scope import ScopeVersion

__all__ = [
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
