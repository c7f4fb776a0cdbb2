"""Which AI systems the AIMS covers (ISO/IEC 42001 4.3), for every app that counts them.

The register does not know the scope statement; the app that holds it (governance)
provides it with ``set_scope_provider(fn)``, where ``fn(as_of)`` returns the AI systems
in scope as a queryset, or None while no scope is approved. Until then every system that
is not retired counts.
"""

from collections.abc import Callable

from .choices import LifecycleStage
from .models import AISystem

_provider: list[Callable] = []


def set_scope_provider(provider: Callable | None) -> None:
    _provider[:] = [provider] if provider is not None else []


def systems_in_scope(as_of=None):
    if _provider:
        scoped = _provider[0](as_of)
        if scoped is not None:
            return scoped
    return AISystem.objects.exclude(lifecycle_stage=LifecycleStage.RETIRED)
