from aims.api.routes import Route

from .views import (
    ControlCheckViewSet,
    ControlDomainViewSet,
    ControlViewSet,
    CoverageViewSet,
    EvidenceViewSet,
    RequirementViewSet,
    SoAEntryViewSet,
    SoAVersionViewSet,
)

routes = [
    Route("controls", ControlViewSet),
    Route("control-domains", ControlDomainViewSet),
    Route("requirements", RequirementViewSet),
    Route("soa-versions", SoAVersionViewSet),
    Route("soa-entries", SoAEntryViewSet),
    Route("evidence", EvidenceViewSet),
    Route("control-checks", ControlCheckViewSet),
    Route("crosswalk-coverage", CoverageViewSet, basename="crosswalk-coverage"),
]
