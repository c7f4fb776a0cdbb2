"""FilterSets shared by the HTML lists and the API (django-filter)."""

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.text import capfirst
from django_filters.utils import get_field_parts

from .autocomplete import AutocompleteSelect
from .models import Notification, ObjectChange, User
from .roles import GOVERNANCE_APPS


class StrictBooleanFilter(django_filters.ChoiceFilter):
    """Yes/no filter that accepts only ``true`` and ``false`` (anything else is a 400 in
    the API). Its ``method`` receives the text; compare with ``"true"``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "Yes"), ("false", "No")])
        kwargs.setdefault("empty_label", "Any")
        super().__init__(*args, **kwargs)


class SearchFilterSet(django_filters.FilterSet):
    """Adds ``q``: a case-insensitive search over ``search_fields``."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label="Search")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, declared in self.filters.items():
            # django-filter labels a filter from its model field; a computed filter
            # (a ``method`` over no field, e.g. freshness) would read "[invalid name]".
            if declared._label is None and not get_field_parts(
                self._meta.model, declared.field_name or ""
            ):
                declared.label = capfirst(name.replace("_", " "))

    @property
    def form(self):
        form = super().form
        form.order_fields(["q"])
        for field in form.fields.values():
            css = (
                "form-select"
                if isinstance(field.widget, forms.Select)
                else "form-control"
            )
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")
        return form

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


def _content_type_choices():
    from aims.views.change_log import record_type_label

    choices = [
        (f"{ct.app_label}.{ct.model}", record_type_label(ct))
        for ct in ContentType.objects.filter(app_label__in=GOVERNANCE_APPS)
    ]
    return sorted(choices, key=lambda choice: choice[1])


class ObjectChangeFilterSet(SearchFilterSet):
    search_fields = ("object_repr", "message", "user_name", "event")
    content_type = django_filters.ChoiceFilter(
        choices=_content_type_choices, method="filter_content_type", label="Record type"
    )
    object_id = django_filters.CharFilter(label="Record id")
    user = django_filters.ModelChoiceFilter(
        queryset=User.objects.all(),
        label="User",
        widget=AutocompleteSelect("aims.user"),
    )
    action = django_filters.ChoiceFilter(choices=ObjectChange.Action.choices)
    event = django_filters.CharFilter()
    request_id = django_filters.CharFilter()
    # A date picker gives YYYY-MM-DD (midnight UTC); the API may send a full timestamp.
    since = django_filters.IsoDateTimeFilter(
        field_name="time",
        lookup_expr="gte",
        label="From (UTC)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.IsoDateTimeFilter(
        field_name="time",
        lookup_expr="lt",
        label="Before (UTC)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ObjectChange
        fields = ["content_type", "object_id", "user", "action", "event", "request_id"]

    def filter_content_type(self, queryset, name, value: str):
        app_label, _, model = value.partition(".")
        return queryset.filter(
            content_type__app_label=app_label, content_type__model=model
        )


def _reminder_source_choices():
    from .reminders import registered_sources

    return [(source.key, source.label) for source in registered_sources()]


class NotificationFilterSet(SearchFilterSet):
    """The caller's notifications: unread only, by kind, by source."""

    search_fields = ("title", "message")
    unread = StrictBooleanFilter(method="filter_unread", label="Unread")
    kind = django_filters.ChoiceFilter(choices=Notification.Kind.choices)
    escalated = StrictBooleanFilter(method="filter_escalated", label="Escalated")
    source = django_filters.ChoiceFilter(choices=_reminder_source_choices)

    class Meta:
        model = Notification
        fields = ["unread", "kind", "escalated", "source"]

    def filter_unread(self, queryset, name, value: str):
        return queryset.filter(read_at__isnull=value == "true")

    def filter_escalated(self, queryset, name, value: str):
        if value == "true":
            return queryset.filter(escalation_level__gt=0)
        return queryset.filter(escalation_level=0)
