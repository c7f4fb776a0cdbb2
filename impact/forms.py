"""Forms of the impact pages. They map fields only; the services validate."""

import datetime

from django import forms

from aims.autocomplete import AutocompleteSelect, AutocompleteSelectMultiple
from aims.forms import AimsModelForm, DateInput
from aims.permissions import users_with
from registry.choices import EUOperatorRole, EURiskTier

from . import rules
from .choices import ImpactLevel
from .classification import questions as classification_questions
from .models import FRIA, Impact, ImpactAssessment, Obligation
from .reference import charter_rights, fria_elements

YES_NO = [("yes", "Yes"), ("no", "No")]


def _css(field):
    widget = field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return field
    widget.attrs.setdefault(
        "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
    )
    return field


def question_field(question: dict) -> forms.Field:
    kind = question["type"]
    label = question["label"]
    if kind == "text" or kind == "list":
        field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    elif kind == "yes_no":
        field = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect)
    elif kind == "single_choice":
        field = forms.ChoiceField(choices=[("", "—"), *map(tuple, question["choices"])])
    elif kind == "multiple_choice":
        field = forms.MultipleChoiceField(
            choices=list(map(tuple, question["choices"])),
            widget=forms.CheckboxSelectMultiple,
        )
    elif kind == "scale":
        low, high = question.get("min", 1), question.get("max", 5)
        names = {
            low: question.get("min_label", ""),
            high: question.get("max_label", ""),
        }
        field = forms.TypedChoiceField(
            choices=[
                (n, f"{n} {names.get(n, '')}".strip()) for n in range(low, high + 1)
            ],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
        )
    elif kind == "date":
        field = forms.DateField(widget=DateInput())
    else:  # pragma: no cover - validate_sections refuses other types
        raise ValueError(kind)
    field.required = False
    field.label = label
    field.question = question
    return _css(field)


class QuestionnaireForm(forms.Form):
    """The assessment's questions as fields named by question id. Nothing is required
    here (a draft may be saved half-done); submitting checks completeness."""

    _version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, template, answers: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.sections = []
        for section in template.sections:
            names = []
            for question in section.get("questions", []):
                self.fields[question["id"]] = question_field(question)
                value = answers.get(question["id"])
                if question["type"] == "list" and isinstance(value, list):
                    value = "\n".join(value)
                self.initial[question["id"]] = value
                names.append(question["id"])
            self.sections.append((section, names))

    def grouped(self):
        return [
            (section, [self[name] for name in names])
            for section, names in self.sections
        ]

    def answers(self) -> dict:
        data = {}
        for name, value in self.cleaned_data.items():
            if name == "_version" or value in (None, "", []):
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            data[name] = value
        return data


class AssessmentForm(AimsModelForm):
    fieldsets = [
        (
            "Assessment",
            ["owner", "assessor", "approver", "trigger", "next_review_date"],
        )
    ]

    class Meta:
        model = ImpactAssessment
        fields = ["owner", "assessor", "approver", "trigger", "next_review_date"]
        widgets = {
            "next_review_date": DateInput(),
            "owner": AutocompleteSelect("impact.impactassessment.owner"),
            "assessor": AutocompleteSelect("impact.impactassessment.owner"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = users_with(ImpactAssessment, "own").order_by("username")
        self.fields["owner"].queryset = people
        self.fields["assessor"].queryset = people


def _rating(kind: str, **kwargs) -> forms.Field:
    options = rules.choices(kind)
    numeric = isinstance(options[0][0], int)
    field = forms.TypedChoiceField(
        choices=[("", "—"), *options],
        coerce=int if numeric else str,
        empty_value=None,
        **kwargs,
    )
    return _css(field)


class ImpactForm(AimsModelForm):
    fieldsets = [
        (
            "Impact",
            ["title", "description", "affected_group", "harm_kind", "charter_right"],
        ),
        (
            "Rating (the level follows from these)",
            ["severity", "likelihood", "reversibility", "scale"],
        ),
        ("Measures", ["existing_measures", "planned_measures", "residual_level"]),
    ]

    class Meta:
        model = Impact
        fields = [
            "title",
            "description",
            "affected_group",
            "harm_kind",
            "charter_right",
            "severity",
            "likelihood",
            "reversibility",
            "scale",
            "existing_measures",
            "planned_measures",
            "residual_level",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "existing_measures": forms.Textarea(attrs={"rows": 2}),
            "planned_measures": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["harm_kind"] = _rating(
            "harm_kinds", label="Kind of benefit or harm", required=False
        )
        self.fields["charter_right"] = _css(
            forms.ChoiceField(
                label="Fundamental right at stake (EU Charter)",
                choices=[
                    ("", "—"),
                    *((k, f"Art. {k} {v}") for k, v in charter_rights().items()),
                ],
                required=False,
            )
        )
        for kind in ("severity", "likelihood", "reversibility", "scale"):
            self.fields[kind] = _rating(kind, label=kind.capitalize(), required=False)
        self.fields["residual_level"].choices = [
            ("", "Not assessed"),
            *ImpactLevel.choices,
        ]


class ApproveForm(forms.Form):
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="Kept in the change log with the approval.",
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="What needs to change before approval.",
    )


def ref_field_name(ref: str) -> str:
    """A form field name for a reference ID ("Annex III 4(a)" -> "annex_iii_4_a")."""
    out = "".join(c.lower() if c.isalnum() else "_" for c in ref)
    while "__" in out:
        out = out.replace("__", "_")
    return out.strip("_")


class ClassificationForm(forms.Form):
    """The guided questionnaire: one checkbox per reference ID, grouped as asked."""

    operator_role = forms.ChoiceField(
        label="The organisation's operator role for this system",
        choices=EUOperatorRole.choices,
    )
    derogation_assessment = forms.CharField(
        label="Documented assessment (Art. 6(4))",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you claim the Art. 6(3) derogation.",
    )
    notes = forms.CharField(
        label="Rationale and sources",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, initial_answers: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_answers = initial_answers or {}
        self.groups = []
        self.refs = {}
        for group in classification_questions():
            names = []
            for item in group["items"]:
                name = ref_field_name(item["ref"])
                self.fields[name] = forms.BooleanField(
                    label=f"{item['ref']}: {item['label']}",
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )
                self.fields[name].group = item.get("group", "")
                self.initial.setdefault(name, bool(initial_answers.get(item["ref"])))
                self.refs[name] = item["ref"]
                names.append(name)
            self.groups.append((group, names))
        self.initial.setdefault(
            "derogation_assessment", initial_answers.get("Art. 6(4)", "")
        )
        for name in ("operator_role", "derogation_assessment", "notes"):
            _css(self.fields[name])

    def grouped(self):
        return [(group, [self[name] for name in names]) for group, names in self.groups]

    def answers(self) -> dict:
        data = {
            ref: True for name, ref in self.refs.items() if self.cleaned_data.get(name)
        }
        if self.cleaned_data.get("derogation_assessment", "").strip():
            data["Art. 6(4)"] = self.cleaned_data["derogation_assessment"].strip()
        return data

    def field_for_ref(self, ref: str) -> str | None:
        if ref == "Art. 6(4)":
            return "derogation_assessment"
        if ref == "operator_role":
            return ref
        return next((name for name, r in self.refs.items() if r == ref), None)


class OverrideForm(forms.Form):
    tier = forms.ChoiceField(
        choices=[c for c in EURiskTier.choices if c[0] != "unclassified"]
    )
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _css(field)


class ObligationForm(AimsModelForm):
    class Meta:
        model = Obligation
        fields = ["status", "owner", "due_date", "notes", "evidence"]
        widgets = {
            "due_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "owner": AutocompleteSelect("aims.user"),
            "evidence": AutocompleteSelectMultiple("controls.evidence"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from aims.permissions import visible_to
        from controls.models import Evidence

        self.fields["evidence"].queryset = visible_to(
            Evidence.objects.all(), self.user, "view"
        )


class FRIAForm(AimsModelForm):
    fieldsets = [
        (
            "Notification to the market surveillance authority (Art. 27(3))",
            ["notified_on", "authority", "notification_reference"],
        )
    ]

    class Meta:
        model = FRIA
        fields = ["notified_on", "authority", "notification_reference"]
        widgets = {"notified_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.element_names = []
        for element in fria_elements():
            name = "element_" + ref_field_name(element["id"])
            self.fields[name] = _css(
                forms.CharField(
                    label=f"Art. {element['id']}: {element['title']}",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            )
            self.initial.setdefault(
                name, (self.instance.elements or {}).get(element["id"], "")
            )
            self.element_names.append((name, element["id"]))
        self.fieldsets = [
            ("Art. 27(1) elements", [n for n, _ in self.element_names]),
            *self.fieldsets,
        ]

    def elements(self) -> dict:
        return {
            ref: self.cleaned_data.get(name, "") for name, ref in self.element_names
        }


class TemplatePublishForm(forms.Form):
    title = forms.CharField(max_length=200)
    retention_years = forms.IntegerField(min_value=1, max_value=50)
    review_interval_months = forms.IntegerField(min_value=1, max_value=60)
    sections = forms.CharField(
        widget=forms.Textarea(
            attrs={"rows": 20, "class": "form-control font-monospace"}
        ),
        help_text="The sections and questions as JSON (starting from the current version).",
    )
    change_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _css(field)

    def clean_sections(self):
        import json

        try:
            return json.loads(self.cleaned_data["sections"])
        except ValueError as exc:
            raise forms.ValidationError(f"Not valid JSON: {exc}") from None
