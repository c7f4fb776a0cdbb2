"""Forms of the audit app: evidence-pack requests, audit programmes, audits, findings,
nonconformities, corrective actions and management reviews. Input shape only; the
services decide."""

import copy

from django import forms

from aims.autocomplete import AutocompleteSelect, AutocompleteSelectMultiple
from aims.forms import AimsModelForm, DateInput
from aims.models import User
from aims.permissions import users_with, visible_to
from registry.models import AISystem

from .models import (
    Audit,
    AuditProgramme,
    ChecklistLine,
    CorrectiveAction,
    Finding,
    ManagementReview,
    ManagementReviewDecision,
    ManagementReviewInput,
    Nonconformity,
)
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


# Audit programme, audits, findings, corrective actions, management reviews


def _requirement_choices(kind: str) -> list[tuple[str, str]]:
    """Clauses 4 to 10 at every level, or Annex A domains and controls, from the
    reference file."""
    from aims.reference import reference_data

    data = reference_data()
    if kind == "clause":
        return [
            (c["id"], f"{'  ' * (c['level'] - 1)}{c['id']} {c['title']}")
            for c in data["iso42001_clauses"]
        ]
    annex = data["iso42001_annex_a"]
    choices = []
    groups = annex.get("sub_objectives", [])
    for domain in annex["domains"]:
        choices.append((domain["id"], f"{domain['id']} {domain['title']} (all)"))
        subs = [g for g in groups if g.get("parent") == domain["id"]]
        for sub in subs if len(subs) > 1 else []:
            choices.append((sub["id"], f"  {sub['id']} {sub['title']} (all)"))
        choices += [
            (c["id"], f"  {c['id']} {c['title']}")
            for c in annex["controls"]
            if c.get("domain") == domain["id"]
        ]
    return choices


class ListOfLinesField(forms.CharField):
    """A list of short texts, one a line (or separated by commas)."""

    def __init__(self, *args, separator="\n", **kwargs):
        self.separator = separator
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.Textarea(attrs={"rows": 3}) if separator == "\n" else None
        )
        if kwargs["widget"] is None:
            kwargs.pop("widget")
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            joiner = "\n" if self.separator == "\n" else ", "
            return joiner.join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        parts = text.splitlines() if self.separator == "\n" else text.split(",")
        return [p.strip() for p in parts if p.strip()]


class AuditProgrammeForm(AimsModelForm):
    fieldsets = [
        ("Programme", ["title", "period_start", "period_end"]),
        (
            "Content (9.2.2)",
            ["objectives", "criteria", "methods", "frequency", "responsibilities"],
        ),
    ]

    class Meta:
        model = AuditProgramme
        fields = [
            "title",
            "period_start",
            "period_end",
            "objectives",
            "criteria",
            "methods",
            "frequency",
            "responsibilities",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "objectives",
                    "criteria",
                    "methods",
                    "frequency",
                    "responsibilities",
                )
            },
        }


class ApprovalForm(forms.Form):
    note = forms.CharField(
        label="Approval note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class AuditForm(AimsModelForm):
    scope_clauses = forms.MultipleChoiceField(
        label="Clauses in scope",
        required=False,
        choices=lambda: _requirement_choices("clause"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="A clause covers its sub-clauses.",
    )
    scope_controls = forms.MultipleChoiceField(
        label="Annex A controls in scope",
        required=False,
        choices=lambda: _requirement_choices("annex_a"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="A domain covers all of its controls.",
    )
    business_units = ListOfLinesField(separator=",", help_text="Separated by commas.")

    fieldsets = [
        (
            "Audit",
            [
                "programme",
                "title",
                "kind",
                "certification_stage",
                "body_name",
                "criteria",
            ],
        ),
        ("Scope", ["scope_clauses", "scope_controls", "ai_systems", "business_units"]),
        (
            "Team and dates",
            [
                "lead_auditor",
                "team",
                "planned_start",
                "planned_end",
                "actual_start",
                "actual_end",
            ],
        ),
        ("Results", ["summary", "objectivity_justification"]),
    ]

    class Meta:
        model = Audit
        fields = [
            "programme",
            "title",
            "kind",
            "certification_stage",
            "body_name",
            "criteria",
            "scope_clauses",
            "scope_controls",
            "ai_systems",
            "business_units",
            "lead_auditor",
            "team",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "summary",
            "objectivity_justification",
        ]
        widgets = {
            "criteria": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "objectivity_justification": forms.Textarea(attrs={"rows": 2}),
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "actual_start": DateInput(),
            "actual_end": DateInput(),
            "ai_systems": AutocompleteSelectMultiple("registry.aisystem"),
            "lead_auditor": AutocompleteSelect("audit.auditor"),
            "team": AutocompleteSelectMultiple("audit.auditor"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        auditors = users_with(Audit, "conduct").order_by("username")
        self.fields["lead_auditor"].queryset = auditors
        self.fields["team"].queryset = auditors
        self.fields["ai_systems"].queryset = visible_to(
            AISystem.objects.all(), self.user
        )
        self.fields["programme"].queryset = AuditProgramme.objects.exclude(
            status="superseded"
        )
        for name in ("scope_clauses", "scope_controls"):
            self.fields[name].widget.attrs["class"] = "form-select"


class AuditResultsForm(AimsModelForm):
    """What the audit's auditors write while conducting it; the plan is not here."""

    fieldsets = [("Results", ["actual_start", "actual_end", "summary"])]

    class Meta:
        model = Audit
        fields = ["actual_start", "actual_end", "summary"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "actual_start": DateInput(),
            "actual_end": DateInput(),
        }


class TransitionForm(forms.Form):
    status = forms.CharField()


class ChecklistLineForm(AimsModelForm):
    class Meta:
        model = ChecklistLine
        fields = ["question", "result", "notes", "evidence"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "evidence": AutocompleteSelectMultiple("controls.evidence"),
        }

    def __init__(self, *args, **kwargs):
        from controls.models import Evidence

        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = visible_to(Evidence.objects.all(), self.user)


class FindingForm(AimsModelForm):
    fieldsets = [
        (
            "Finding",
            ["grade", "requirement_id", "checklist_line", "title", "description"],
        ),
        ("Evidence", ["objective_evidence", "evidence"]),
        ("Linked records", ["ai_systems", "risks", "controls"]),
        ("Follow-up", ["owner", "due_date"]),
    ]

    class Meta:
        model = Finding
        fields = [
            "grade",
            "requirement_id",
            "checklist_line",
            "title",
            "description",
            "objective_evidence",
            "evidence",
            "ai_systems",
            "risks",
            "controls",
            "owner",
            "due_date",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "objective_evidence": forms.Textarea(attrs={"rows": 3}),
            "due_date": DateInput(),
            "evidence": AutocompleteSelectMultiple("controls.evidence"),
            "ai_systems": AutocompleteSelectMultiple("registry.aisystem"),
            "risks": AutocompleteSelectMultiple("risk.risk"),
            "controls": AutocompleteSelectMultiple("controls.control"),
            "owner": AutocompleteSelect("audit.finding.owner"),
        }

    def __init__(self, *args, **kwargs):
        from controls.models import Control, Evidence
        from risk.models import Risk

        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_with(Finding, "own")
        self.fields["evidence"].queryset = visible_to(Evidence.objects.all(), self.user)
        self.fields["ai_systems"].queryset = visible_to(
            AISystem.objects.all(), self.user
        )
        self.fields["risks"].queryset = visible_to(Risk.objects.all(), self.user)
        self.fields["controls"].queryset = Control.objects.all()
        self.fields["controls"].to_field_name = "control_id"
        audit_id = self.instance.audit_id
        self.fields["checklist_line"].queryset = ChecklistLine.objects.filter(
            audit_id=audit_id
        )


class CloseForm(forms.Form):
    note = forms.CharField(
        label="Closing note",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class NonconformityForm(AimsModelForm):
    root_causes = ListOfLinesField(help_text="One cause a line; several are allowed.")

    fieldsets = [
        (
            "Nonconformity",
            [
                "source",
                "source_reference",
                "review",
                "grade",
                "requirement_id",
                "title",
                "description",
                "raised_on",
                "owner",
            ],
        ),
        (
            "Correction and causes (10.2)",
            [
                "correction",
                "root_cause_method",
                "root_causes",
                "similar_nonconformities",
            ],
        ),
    ]

    class Meta:
        model = Nonconformity
        fields = [
            "source",
            "source_reference",
            "review",
            "grade",
            "requirement_id",
            "title",
            "description",
            "raised_on",
            "owner",
            "correction",
            "root_cause_method",
            "root_causes",
            "similar_nonconformities",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "correction": forms.Textarea(attrs={"rows": 2}),
            "similar_nonconformities": forms.Textarea(attrs={"rows": 2}),
            "raised_on": DateInput(),
            "owner": AutocompleteSelect("audit.nonconformity.owner"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_with(Nonconformity, "own")
        if self.instance.finding_id:
            # From an audit finding: where it came from is fixed.
            for name in ("source", "source_reference", "review", "grade"):
                self.fields[name].disabled = True


class CorrectiveActionForm(AimsModelForm):
    status = forms.ChoiceField(
        choices=[
            ("planned", "Planned"),
            ("in_progress", "In progress"),
            ("done", "Done, awaiting verification"),
            ("cancelled", "Cancelled"),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = CorrectiveAction
        fields = [
            "description",
            "owner",
            "due_date",
            "status",
            "completed_on",
            "verify_after_days",
            "notes",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "due_date": DateInput(),
            "completed_on": DateInput(),
            "owner": AutocompleteSelect("audit.correctiveaction.owner"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_with(CorrectiveAction, "own")


class VerificationForm(forms.Form):
    verified_on = forms.DateField(widget=DateInput(attrs={"class": "form-control"}))
    effective = forms.TypedChoiceField(
        label="Was the action effective?",
        choices=[
            ("true", "Effective: the cause is removed"),
            ("false", "Not effective"),
        ],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label="What was checked and what it showed",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    new_description = forms.CharField(
        label="New corrective action (when not effective)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    new_owner = forms.ModelChoiceField(
        label="Owner of the new action",
        queryset=User.objects.none(),
        required=False,
        widget=AutocompleteSelect("audit.correctiveaction.owner"),
    )
    new_due_date = forms.DateField(
        label="Due date of the new action",
        required=False,
        widget=DateInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_owner"].queryset = users_with(CorrectiveAction, "own")
        self.fields["new_owner"].widget.attrs["class"] = "form-select"

    def new_action(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("new_description"):
            return None
        return {
            "description": data["new_description"],
            "owner": data.get("new_owner"),
            "due_date": data.get("new_due_date"),
        }


class ManagementReviewForm(AimsModelForm):
    fieldsets = [
        ("Review", ["title", "review_date", "chair", "next_review_date"]),
        (
            "Attendance",
            ["attendees", "other_attendees", "top_management_present"],
        ),
        ("Minutes", ["minutes"]),
    ]

    class Meta:
        model = ManagementReview
        fields = [
            "title",
            "review_date",
            "chair",
            "next_review_date",
            "attendees",
            "other_attendees",
            "top_management_present",
            "minutes",
        ]
        widgets = {
            "review_date": DateInput(),
            "next_review_date": DateInput(),
            "other_attendees": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 4}),
            "chair": AutocompleteSelect("audit.review_chair"),
            "attendees": AutocompleteSelectMultiple("aims.user"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = users_with(ManagementReview, "sign")
        self.fields["attendees"].queryset = User.objects.filter(is_active=True)
        self.fields["top_management_present"].widget.attrs["class"] = "form-check-input"


class ManagementReviewInputForm(AimsModelForm):
    class Meta:
        model = ManagementReviewInput
        fields = ["minutes", "manual_summary"]
        labels = {"manual_summary": "Facts entered by hand"}
        widgets = {
            "minutes": forms.Textarea(attrs={"rows": 3}),
            "manual_summary": forms.Textarea(attrs={"rows": 2}),
        }


class ManagementReviewDecisionForm(AimsModelForm):
    class Meta:
        model = ManagementReviewDecision
        fields = [
            "kind",
            "description",
            "owner",
            "due_date",
            "status",
            "completed_on",
            "notes",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "due_date": DateInput(),
            "completed_on": DateInput(),
            "owner": AutocompleteSelect("aims.user"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)


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
