from django import template

from aims.views.display import history_label, history_value

register = template.Library()


@register.simple_tag
def change_rows(entry):
    """(label, before, after) rows of a change-log entry, as text a person reads."""
    model = entry.content_type.model_class()
    return [
        (
            history_label(model, name),
            history_value(model, name, before),
            history_value(model, name, after),
        )
        for name, before, after in entry.diff()
    ]


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
