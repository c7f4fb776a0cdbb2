from django import template

from aims.redaction import RelatedNames
from aims.views.display import history_label, history_value

register = template.Library()


@register.simple_tag(takes_context=True)
def change_rows(context, entry):
    """(label, before, after) rows of a change-log entry, as text a person reads, naming
    only the related records the reader may see (``aims.redaction``). The reader is
    the request's user, or ``reader`` in the context (a pack built for its requester)."""
    model = entry.content_type.model_class()
    names = _related_names(context)
    rows = [
        (name, names.value(model, name, before), names.value(model, name, after))
        for name, before, after in entry.diff()
    ]
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


@register.simple_tag(takes_context=True)
def entry_record(context, entry) -> str:
    """The name of an entry's record, without the names of related records the reader
    may not see (``RelatedNames.record_text``)."""
    return _related_names(context).record_text(entry)


def _related_names(context) -> RelatedNames:
    # One per rendering, kept on the template context's root so a page of entries
    # reads each model's visible rows once.
    root = context.dicts[0]
    names = root.get("_aims_related_names")
    if names is None:
        request = context.get("request")
        reader = context.get("reader") or getattr(request, "user", None)
        names = root["_aims_related_names"] = RelatedNames(reader)
    return names


def _filled(value) -> bool:
    return value not in (None, "", [])


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """The current query string with some parameters replaced (for pagination links);
    ``None`` removes one."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None:
            query.pop(key, None)
        else:
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


@register.simple_tag(takes_context=True)
def active_filter_count(context, filterset) -> int:
    """How many of the filter panel's fields the current query sets (the collapsed
    panel's button says so, and a panel with active filters starts open)."""
    query = context["request"].GET
    return sum(
        1
        for name in filterset.form.fields
        if any(value.strip() for value in query.getlist(name))
    )


@register.simple_tag(takes_context=True)
def may(context, action: str, model_label: str) -> bool:
    """Whether the user may ``action`` records of ``model_label`` ("app.model"), by the
    one permission rule: a page shows a link only when its target would not refuse."""
    from django.apps import apps

    from aims.permissions import can

    user = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    return can(user, action, apps.get_model(model_label))
