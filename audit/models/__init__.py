from .bundles import AuditorBundle
from .packs import EvidencePack

__all__ = ["AuditorBundle", "EvidencePack"]
