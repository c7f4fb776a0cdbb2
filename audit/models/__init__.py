from .packs import EvidencePack, PackDispatch

__all__ = ["EvidencePack", "PackDispatch"]
