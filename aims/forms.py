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
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)

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


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
