"""The risk panel: the home page's card and the AI system page's panel (registered in
``risk.apps``), and the ``{% risk_panel %}`` tag for templates of this app."""

from django import template

from aims.permissions import can, visible_to
from risk.heatmap import heat_maps
from risk.models import Risk
from risk.services import criteria_current

register = template.Library()


def risk_panel_context(user, ai_system=None) -> dict:
    """Heat maps (and, for one AI system, its risks) of the risks the user may see."""
    risks = visible_to(Risk.objects.all(), user, "view")
    if ai_system is not None:
        risks = risks.filter(ai_system=ai_system)
    return {
        "heat_maps": heat_maps(risks, criteria_current()),
        "ai_system": ai_system,
        "risks": risks.select_related("owner", "criteria")
        if ai_system is not None
        else None,
        "can_add": can(user, "add", Risk),
    }


@register.inclusion_tag("risk/_risk_panel.html", takes_context=True)
def risk_panel(context, ai_system=None):
    return risk_panel_context(context["request"].user, ai_system)
