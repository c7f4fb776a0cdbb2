"""Searchable pickers that scale: lookups apps register, widgets that use them.

A form or filter field over a large table (AI systems, users, risks, controls,
evidence) renders only the values already chosen; the browser searches the rest through
``/api/v1/autocomplete/<key>/`` with the permission rule applied, so no page grows with
the number of records. An app registers its lookups in ``AppConfig.ready()``::

    from aims.autocomplete import Lookup, register, visible

    register(Lookup(
        key="registry.aisystem",
        queryset=visible(AISystem),                    # user -> queryset they may pick from
        search_fields=("reference", "name"),
        label=lambda system: f"{system.reference} {system.name}",
    ))

and uses them in forms and FilterSets::

    ai_system = forms.ModelChoiceField(
        queryset=AISystem.objects.all(),
        widget=AutocompleteSelect("registry.aisystem"),
    )

The field's own queryset still validates what is submitted; the lookup only offers
choices. Tables small enough (``INLINE_LIMIT`` options) are rendered in full, so the
picker also works without JavaScript; ``static/js/autocomplete.js`` turns each picker into
a searchable, keyboard-accessible box (Tom Select, served from our static files).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.urls import reverse

from .permissions import visible_to

__all__ = [
    "INLINE_LIMIT",
    "USER_SEARCH_FIELDS",
    "owner_lookup",
    "user_label",
    "AutocompleteSelect",
    "AutocompleteSelectMultiple",
    "Lookup",
    "get_lookup",
    "register",
    "registered_lookups",
    "visible",
]

# Up to this many choices are rendered into the page (and work without JavaScript);
# beyond it only the chosen ones are, and the rest are searched.
INLINE_LIMIT = 100
PAGE_SIZE = 20


def visible(model, action: str = "view") -> Callable:
    """``queryset`` of a lookup: the records of ``model`` the user may ``action``."""
    return lambda user: visible_to(model._default_manager.all(), user, action)


@dataclass(frozen=True)
class Lookup:
    key: str
    queryset: Callable[[object], models.QuerySet]
    search_fields: tuple[str, ...]
    label: Callable[[models.Model], str] = str
    # What the form submits for a choice (the field's ``to_field_name``; pk by default).
    value: Callable[[models.Model], object] = lambda obj: obj.pk
    # Ordering of the answers; the model's default ordering when empty.
    ordering: tuple[str, ...] = field(default_factory=tuple)
    # The model field ``value`` gives: forms pick this lookup automatically only for a
    # field whose ``to_field_name`` matches (``aims.forms.AimsModelForm``).
    value_field: str = "pk"

    def candidates(self, user, term: str = "") -> models.QuerySet:
        queryset = self.queryset(user)
        term = term.strip()
        if term:
            condition = models.Q()
            for name in self.search_fields:
                condition |= models.Q(**{f"{name}__icontains": term})
            if term.isdigit():
                condition |= models.Q(pk=int(term))
            queryset = queryset.filter(condition)
        if self.ordering:
            queryset = queryset.order_by(*self.ordering)
        elif not queryset.ordered:
            queryset = queryset.order_by("pk")
        return queryset.distinct() if _joins_many(self.search_fields) else queryset


def _joins_many(search_fields) -> bool:
    # Searching across a to-many relation can repeat a row.
    return any("__" in name for name in search_fields)


def user_label(user) -> str:
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else user.username


USER_SEARCH_FIELDS = ("username", "first_name", "last_name")


def owner_lookup(model) -> Lookup:
    """The people who may be named owner of a ``model`` record (``own_<model>``), the
    choices of its owner field: key ``"<app_label>.<model>.owner"``."""
    from .permissions import users_with

    return Lookup(
        key=f"{model._meta.label_lower}.owner",
        queryset=lambda user: users_with(model, "own"),
        search_fields=USER_SEARCH_FIELDS,
        label=user_label,
        ordering=("first_name", "last_name", "username"),
    )


_lookups: dict[str, Lookup] = {}


def register(lookup: Lookup) -> Lookup:
    """Add (or replace, by key) a lookup."""
    _lookups[lookup.key] = lookup
    return lookup


def get_lookup(key: str) -> Lookup | None:
    return _lookups.get(key)


def registered_lookups() -> list[Lookup]:
    return sorted(_lookups.values(), key=lambda lookup: lookup.key)


class _AutocompleteMixin:
    """Renders the chosen options (or all, when few) and points the script at the lookup."""

    def __init__(self, lookup: str, attrs=None, *, placeholder: str = ""):
        self.lookup = lookup
        self.placeholder = placeholder
        super().__init__(attrs)

    def __deepcopy__(self, memo):
        copied = super().__deepcopy__(memo)
        copied.lookup = self.lookup
        copied.placeholder = self.placeholder
        return copied

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-autocomplete-url"] = reverse(
            "api-autocomplete", kwargs={"key": self.lookup}
        )
        if self.placeholder:
            attrs["data-placeholder"] = self.placeholder
        return attrs

    def get_context(self, name, value, attrs):
        self._inline = False
        context = super().get_context(name, value, attrs)  # calls optgroups()
        if self._inline:
            context["widget"]["attrs"]["data-autocomplete-inline"] = "true"
        return context

    def optgroups(self, name, value, attrs=None):
        choices = self.choices
        queryset = getattr(choices, "queryset", None)
        lookup = get_lookup(self.lookup)
        if queryset is None or lookup is None:
            return super().optgroups(name, value, attrs)
        chosen = {str(v) for v in value if v not in ("", None)}
        first = list(queryset[: INLINE_LIMIT + 1])
        if len(first) <= INLINE_LIMIT:
            self._inline = True
            shown = first
        elif chosen:
            to_field = choices.field.to_field_name or "pk"
            try:
                shown = list(queryset.filter(**{f"{to_field}__in": chosen}))
            except (ValueError, TypeError):
                shown = []  # a malformed value in the query string: nothing to show
        else:
            shown = []
        options = []
        empty_label = getattr(choices.field, "empty_label", None)
        if not self.allow_multiple_selected and empty_label is not None:
            options.append(("", empty_label, not chosen))
        for obj in shown:
            option_value = str(choices.choice(obj)[0])
            options.append((option_value, lookup.label(obj), option_value in chosen))
        return [
            (None, [self.create_option(name, v, label, sel, index, attrs=attrs)], index)
            for index, (v, label, sel) in enumerate(options)
        ]


class AutocompleteSelect(_AutocompleteMixin, forms.Select):
    pass


class AutocompleteSelectMultiple(_AutocompleteMixin, forms.SelectMultiple):
    pass
