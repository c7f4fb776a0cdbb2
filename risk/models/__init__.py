from .criteria import RiskCriteria
from .lookups import AIObjective, RiskSource
from .permissions import RiskGroupObjectPermission, RiskUserObjectPermission
from .risks import REFERENCE_PREFIX, Risk, RiskControl, TreatmentAction

__all__ = [
    "REFERENCE_PREFIX",
    "AIObjective",
    "Risk",
    "RiskControl",
    "RiskCriteria",
    "RiskGroupObjectPermission",
    "RiskUserObjectPermission",
    "RiskSource",
    "TreatmentAction",
]
