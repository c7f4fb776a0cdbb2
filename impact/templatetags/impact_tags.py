from django import template

from registry.tables import TIER_BADGES

register = template.Library()


@register.filter
def tier_badge(tier: str) -> str:
    """The Bootstrap badge class the register uses for an EU AI Act tier."""
    return TIER_BADGES.get(tier, "text-bg-secondary")


@register.filter
def answer_text(answer, question: dict):
    """A stored answer as a person reads it: choice labels instead of their values."""
    choices = dict(map(tuple, question.get("choices") or []))
    if question.get("type") == "yes_no":
        return {"yes": "Yes", "no": "No"}.get(answer, answer)
    if isinstance(answer, list):
        return [choices.get(item, item) for item in answer]
    return choices.get(answer, answer)
