from .checks import ControlCheck
from .evidence import Evidence, EvidenceFile
from .library import Control, ControlDomain, CrosswalkLink, Requirement
from .permissions import (
    EvidenceGroupObjectPermission,
    EvidenceUserObjectPermission,
    SoAEntryGroupObjectPermission,
    SoAEntryUserObjectPermission,
)
from .soa import SoAEntry, SoAVersion

__all__ = [
    "Control",
    "ControlCheck",
    "ControlDomain",
    "CrosswalkLink",
    "Evidence",
    "EvidenceFile",
    "EvidenceGroupObjectPermission",
    "EvidenceUserObjectPermission",
    "Requirement",
    "SoAEntry",
    "SoAEntryGroupObjectPermission",
    "SoAEntryUserObjectPermission",
    "SoAVersion",
]
