from .bundles import AuditorBundle
from .packs import EvidencePack, PackDispatch

__all__ = ["AuditorBundle", "EvidencePack", "PackDispatch"]
