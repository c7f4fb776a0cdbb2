from django import template

from aims.views.display import history_label, history_value

register = template.Library()


@register.simple_tag
def change_rows(entry):
    """(label, before, after) rows of a change-log entry, as text a person reads."""
    model = entry.content_type.model_class()
    rows = entry.diff()
    if entry.action in ("create", "delete"):
        # A new or removed record: list the values it had, not every empty field.
        rows = [row for row in rows if _filled(row[1]) or _filled(row[2])]
    return [
        (
            history_label(model, name),
            history_value(model, name, before),
            history_value(model, name, after),
        )
        for name, before, after in rows
    ]


def _filled(value) -> bool:
    return value not in (None, "", [])


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def field_type(bound_field):
    return bound_field.field.widget.__class__.__name__


@register.filter
def nav_active(section, path: str) -> bool:
    """Whether the page at ``path`` belongs to this navigation section."""
    return section.active(path)


@register.simple_tag(takes_context=True)
def render_template(context, template_name, own_context):
    """A plug-in's template (dashboard card, record tab or panel) with its own context,
    plus ``object``, ``request`` and ``user``."""
    from django.template.loader import render_to_string

    return render_to_string(
        template_name,
        {
            "object": context.get("object"),
            **own_context,
            "user": context.get("user"),
        },
        request=context.get("request"),
    )


@register.simple_tag(takes_context=True)
def render_card(context, card, card_context):
    return render_template(context, card.template, card_context)


@register.simple_tag
def signing_key_id() -> str:
    """The fingerprint of the portal's signing key (packs print it; auditors compare it
    with the key they verify bundles and checkpoints against)."""
    from aims import signing

    return signing.key_id()
