from .criteria import RiskCriteria
from .lookups import AIObjective, RiskSource
from .risks import REFERENCE_PREFIX, Risk, RiskControl, TreatmentAction

__all__ = [
    "REFERENCE_PREFIX",
    "AIObjective",
    "Risk",
    "RiskControl",
    "RiskCriteria",
    "RiskSource",
    "TreatmentAction",
]
