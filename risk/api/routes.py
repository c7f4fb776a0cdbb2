from aims.api.routes import Route

from .views import (
    AIObjectiveViewSet,
    RiskCriteriaViewSet,
    RiskSourceViewSet,
    RiskViewSet,
    TreatmentActionViewSet,
)

routes = [
    Route("risks", RiskViewSet),
    Route("treatment-actions", TreatmentActionViewSet),
    Route("risk-criteria", RiskCriteriaViewSet),
    Route("risk-sources", RiskSourceViewSet),
    Route("ai-objectives", AIObjectiveViewSet),
]
