from django import forms

from aims.forms import AimsModelForm, DateInput
from aims.permissions import users_with, visible_to
from registry.models import AISystem

from .choices import AffectedParty, RiskLevel
from .models import Risk, RiskCriteria, TreatmentAction


def control_choices() -> list[tuple[str, str]]:
    """Annex A and the organisation's own controls, in library order."""
    from controls.models import Control

    return [
        (control_id, f"{control_id} {title}")
        for control_id, title in Control.objects.values_list("control_id", "title")
    ]


def _scale_choices(scale) -> list:
    return [("", "Not assessed")] + [
        (index, f"{index} {level['label']}")
        for index, level in enumerate(scale, start=1)
    ]


class RiskForm(AimsModelForm):
    affected_parties = forms.MultipleChoiceField(
        choices=AffectedParty.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    controls = forms.MultipleChoiceField(
        label="Controls relied on",
        choices=control_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The controls this risk's treatment relies on.",
    )

    fieldsets = [
        (
            "Risk",
            [
                "ai_system",
                "title",
                "description",
                "risk_source",
                "cause",
                "consequence",
                "objectives",
                "affected_parties",
                "owner",
            ],
        ),
        (
            "Inherent risk (before treatment)",
            ["inherent_likelihood", "inherent_impact"],
        ),
        ("Treatment", ["treatment", "treatment_rationale", "controls"]),
        ("Residual risk (after treatment)", ["residual_likelihood", "residual_impact"]),
        ("Review", ["review_frequency", "next_review_date"]),
    ]

    class Meta:
        model = Risk
        fields = [
            "ai_system",
            "title",
            "description",
            "risk_source",
            "cause",
            "consequence",
            "objectives",
            "affected_parties",
            "owner",
            "inherent_likelihood",
            "inherent_impact",
            "treatment",
            "treatment_rationale",
            "residual_likelihood",
            "residual_impact",
            "review_frequency",
            "next_review_date",
        ]
        widgets = {
            "objectives": forms.CheckboxSelectMultiple,
            "next_review_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 2}),
            "consequence": forms.Textarea(attrs={"rows": 2}),
            "treatment_rationale": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, criteria: RiskCriteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ai_system"].queryset = visible_to(
            AISystem.objects.all(), self.user, "view"
        )
        self.fields["owner"].queryset = users_with(Risk, "own").order_by("username")
        for prefix in ("inherent", "residual"):
            for axis, scale in (
                ("likelihood", criteria.likelihood_scale),
                ("impact", criteria.impact_scale),
            ):
                self.fields[f"{prefix}_{axis}"] = forms.TypedChoiceField(
                    label=f"{prefix.capitalize()} {axis}",
                    choices=_scale_choices(scale),
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.Select(attrs={"class": "form-select"}),
                )
        if self.instance.pk:
            self.initial.setdefault(
                "controls", [c.control_id for c in self.instance.controls.all()]
            )


class RiskAcceptForm(forms.Form):
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="Why the residual risk is acceptable (or, when rejecting a request, "
        "why not); kept in the change log.",
    )
    revisit_on = forms.DateField(
        label="Revisit by",
        required=False,
        widget=DateInput(attrs={"class": "form-control"}),
        help_text="The acceptance expires on this day and the risk comes back for "
        "review. Empty: one review period from today.",
    )
    confirm_note = forms.CharField(
        label="Why accept it anyway",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text="Needed when the page warns about the treatment; kept in the change "
        "log with the acceptance.",
    )


class TreatmentActionForm(AimsModelForm):
    class Meta:
        model = TreatmentAction
        fields = ["description", "owner", "due_date", "status", "completed_on", "notes"]
        widgets = {
            "due_date": DateInput(),
            "completed_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


def _scale_text(scale) -> str:
    return "\n".join(
        f"{level['label']}: {level.get('description', '')}".rstrip(": ")
        for level in scale
    )


def _parse_scale(text: str) -> list[dict]:
    levels = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label, _, description = line.partition(":")
        levels.append({"label": label.strip()[:60], "description": description.strip()})
    return levels


class RiskCriteriaForm(forms.Form):
    """Publishes a new criteria version, starting from the current one."""

    name = forms.CharField(max_length=100)
    likelihood_scale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One level per line, lowest first: 'Label: description'.",
    )
    impact_scale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One level per line, lowest first: 'Label: description'.",
    )
    medium_from = forms.IntegerField(
        min_value=2, help_text="Lowest score (likelihood × impact) that is medium."
    )
    high_from = forms.IntegerField(min_value=3, help_text="Lowest score that is high.")
    critical_from = forms.IntegerField(
        min_value=4, help_text="Lowest score that is critical."
    )
    appetite = forms.ChoiceField(
        choices=RiskLevel.choices,
        help_text="The highest residual level a risk owner may accept alone.",
    )
    change_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="Why the criteria change."
    )

    def __init__(self, *args, current: RiskCriteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        self.initial.update(
            name=current.name,
            likelihood_scale=_scale_text(current.likelihood_scale),
            impact_scale=_scale_text(current.impact_scale),
            medium_from=current.level_thresholds["medium"],
            high_from=current.level_thresholds["high"],
            critical_from=current.level_thresholds["critical"],
            appetite=current.appetite,
        )
        for field in self.fields.values():
            css = (
                "form-select"
                if isinstance(field.widget, forms.Select)
                else "form-control"
            )
            field.widget.attrs.setdefault("class", css)

    def criteria_values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "likelihood_scale": _parse_scale(data["likelihood_scale"]),
            "impact_scale": _parse_scale(data["impact_scale"]),
            "level_thresholds": {
                "low": 1,
                "medium": data["medium_from"],
                "high": data["high_from"],
                "critical": data["critical_from"],
            },
            "level_colours": self.current.level_colours,
            "appetite": data["appetite"],
        }
