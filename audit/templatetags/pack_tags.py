"""An "Evidence pack" button for record pages whose model is the target of a pack kind."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from ..packs.registry import kinds_for

register = template.Library()


@register.simple_tag(takes_context=True)
def evidence_pack_buttons(context, obj):
    """One button per pack kind about ``obj``'s model that the user may request."""
    user = context["request"].user
    url = reverse("audit:evidencepack_add")
    buttons = [
        (f"{url}?{urlencode({'kind': kind.key, 'target': obj.pk})}", kind.title)
        for kind in kinds_for(user)
        if kind.target_model is type(obj)
    ]
    if not buttons:
        return ""
    return format_html(
        '<div class="d-flex gap-2 mb-3">{}</div>',
        format_html_join(
            "",
            '<a class="btn btn-outline-primary btn-sm" href="{}">Evidence pack: {}</a>',
            buttons,
        ),
    )
