"""Base form for governance records: carries the edit version and the editing user."""

from django import forms


class AimsModelForm(forms.ModelForm):
    _version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
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

    def bump_version(self, version: int) -> None:
        """After a conflict, the next save deliberately replaces the newer version."""
        data = self.data.copy()
        data["_version"] = str(version)
        self.data = data


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
