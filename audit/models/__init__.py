from .packs import EvidencePack

__all__ = ["EvidencePack"]
