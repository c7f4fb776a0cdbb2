"""The pack kinds this app provides; other apps register theirs from their AppConfig."""

from ..registry import register
from .ai_system import AISystemPackKind
from .gap_report import GapReportPackKind


def register_builtin_kinds() -> None:
    register(AISystemPackKind())
    register(GapReportPackKind())
