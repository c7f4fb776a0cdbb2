from .checks import ControlCheck
from .evidence import Evidence, EvidenceFile
from .library import Control, ControlDomain, CrosswalkLink, Requirement
from .soa import SoAEntry, SoAVersion

__all__ = [
    "Control",
    "ControlCheck",
    "ControlDomain",
    "CrosswalkLink",
    "Evidence",
    "EvidenceFile",
    "Requirement",
    "SoAEntry",
    "SoAVersion",
]
