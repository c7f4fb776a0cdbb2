"""The request form of an evidence pack: a target the user may see, and the kind's
parameters. Input shape only; the service decides."""

import copy

from django import forms

from .packs.registry import PackKind


class EvidencePackRequestForm(forms.Form):
    def __init__(self, *args, kind: PackKind, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind.target_model is not None:
            self.fields["target"] = forms.ModelChoiceField(
                queryset=kind.targets(user),
                label=kind.target_label,
                empty_label=f"Choose an {kind.target_model._meta.verbose_name}",
            )
        self.parameter_names = []
        if kind.parameters_form is not None:
            for name, field in kind.parameters_form.base_fields.items():
                self.fields[name] = copy.deepcopy(field)
                self.parameter_names.append(name)
        for field in self.fields.values():
            css = (
                "form-select"
                if isinstance(field.widget, forms.Select)
                else "form-control"
            )
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)
            if isinstance(field, forms.DateField):
                field.widget.input_type = "date"

    def target_id(self):
        target = self.cleaned_data.get("target")
        return target.pk if target is not None else None

    def parameters(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.parameter_names}


class AuditorBundleRequestForm(forms.Form):
    """The packs to bundle, what for, and from when the change log. Input shape only;
    ``auditor_bundle_request`` decides."""

    purpose = forms.CharField(
        max_length=200,
        required=False,
        help_text="What the bundle is for, e.g. “Stage 2 audit, March 2027”.",
    )
    packs = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        help_text="Ready evidence packs to include. A new gap report is always included.",
    )
    change_log_since = forms.DateField(
        required=False,
        label="Change log from",
        help_text="Leave empty for the whole change log (UTC date).",
    )

    def __init__(self, *args, user, **kwargs):
        from aims.autocomplete import AutocompleteSelectMultiple

        from .models import EvidencePack

        super().__init__(*args, **kwargs)
        # The widget first: setting the queryset hands its choices to the widget.
        self.fields["packs"].widget = AutocompleteSelectMultiple("audit.readypack")
        self.fields["packs"].queryset = EvidencePack.objects.visible_to(user).filter(
            status="ready"
        )
        self.fields["purpose"].widget.attrs["class"] = "form-control"
        self.fields["change_log_since"].widget.input_type = "date"
        self.fields["change_log_since"].widget.attrs["class"] = "form-control"
