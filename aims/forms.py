"""Base form for governance records: carries the edit version and the editing user."""

from django import forms


class AimsModelForm(forms.ModelForm):
    _version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # The change log's newest entry when the form was opened (aims.services.change_log_head):
    # a conflict lists only the changes saved after it.
    _seen = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # [(legend, [field names])]: how the edit page groups the fields; the rest follow.
    fieldsets: list[tuple[str, list[str]]] = []

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            # A browser silently drops what is typed or pasted beyond maxlength; the
            # field's validation says how long the value may be instead.
            widget.attrs.pop("maxlength", None)
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)
        self._use_pickers()

    def _use_pickers(self) -> None:
        """Every choice of records (a system, a person, a risk, a control, evidence) is
        a searchable picker over its registered lookup (``aims.autocomplete``), so no
        form enumerates a table that grows. Lookups: ``<app>.<model>.<field>`` (e.g. the
        owners a record may have), else the related model's ``<app>.<model>``."""
        from . import autocomplete

        model_label = self._meta.model._meta.label_lower
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            if isinstance(
                field.widget, autocomplete._AutocompleteMixin | forms.HiddenInput
            ):
                continue
            related = field.queryset.model._meta.label_lower
            key = next(
                (
                    k
                    for k in (
                        f"{model_label}.{name}",
                        related,
                        _USER_LOOKUP.get(related),
                    )
                    if k and autocomplete.get_lookup(k) is not None
                ),
                None,
            )
            to_field = field.to_field_name or "pk"
            if to_field == field.queryset.model._meta.pk.name:
                to_field = "pk"
            if key is None or autocomplete.get_lookup(key).value_field != to_field:
                continue
            multiple = isinstance(field, forms.ModelMultipleChoiceField)
            widget_class = (
                autocomplete.AutocompleteSelectMultiple
                if multiple
                else autocomplete.AutocompleteSelect
            )
            widget = widget_class(key, attrs={"class": "form-select"})
            widget.choices = field.choices
            widget.is_required = field.required
            field.widget = widget

    def get_initial_for_field(self, field, field_name):
        # A model's initial value is the Python value (True, 3), but a TypedChoiceField's
        # options are text ("true", "3"): without this the select shows no choice for
        # a stored decision and saving the untouched form is refused as incomplete.
        value = super().get_initial_for_field(field, field_name)
        if isinstance(field, forms.TypedChoiceField):
            return choice_key_for(field, value)
        return value

    def full_clean(self):
        super().full_clean()
        self._mark_invalid_fields()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._mark_invalid_fields()

    def _mark_invalid_fields(self):
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                if "is-invalid" not in css:
                    widget.attrs["class"] = f"{css} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"id_{name}_error"

    def grouped_fields(self) -> list[tuple[str, list]]:
        visible = {field.name: field for field in self.visible_fields()}
        groups = []
        for legend, names in self.fieldsets:
            fields = [visible.pop(name) for name in names if name in visible]
            if fields:
                groups.append((legend, fields))
        if visible:
            groups.append(("Other" if groups else "", list(visible.values())))
        return groups

    def m2m_data(self) -> dict:
        return {
            field.name: self.cleaned_data[field.name]
            for field in self._meta.model._meta.many_to_many
            if field.name in self.cleaned_data
        }

    def bump_version(self, version: int, seen: int | None = None) -> None:
        """After a conflict, the next save deliberately replaces the newer version (and a
        further conflict lists only what was saved after this one was shown)."""
        data = self.data.copy()
        data["_version"] = str(version)
        if seen is not None:
            data["_seen"] = str(seen)
        self.data = data


# People are picked through the portal's user lookup unless a model names its own.
_USER_LOOKUP = {"aims.user": "aims.user"}


def choice_key_for(field: forms.TypedChoiceField, value):
    """The option value whose coerced form is ``value`` (``value`` itself if none is)."""
    if value is None or isinstance(value, str):
        return value
    for key, _label in field.choices:
        if key in ("", None) or isinstance(_label, list | tuple):
            continue
        try:
            if field.coerce(key) == value:
                return key
        except (TypeError, ValueError):
            continue
    return value


class BooleanChoiceField(forms.TypedChoiceField):
    """A yes/no decision that may still be open, as a select ("—", yes, no).

    Prefer it to a checkbox where "not decided yet" differs from "no" (an SoA row's
    applicability). The options are "true"/"false"; the stored bool selects the right
    one in any form, bound or not.
    """

    def __init__(self, *, labels=("No", "Yes"), undecided="—", **kwargs):
        no, yes = labels
        kwargs.setdefault("widget", forms.Select(attrs={"class": "form-select"}))
        super().__init__(
            choices=[("", undecided), ("true", yes), ("false", no)],
            coerce=lambda value: value == "true",
            empty_value=None,
            **kwargs,
        )

    def prepare_value(self, value):
        if value is True:
            return "true"
        if value is False:
            return "false"
        return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
