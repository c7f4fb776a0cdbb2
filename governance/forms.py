"""Forms of the management system's records: they map fields; the services validate."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from aims.autocomplete import AutocompleteSelect, AutocompleteSelectMultiple
from aims.forms import AimsModelForm, DateInput
from controls.models import Control, Evidence
from registry.models import AIRole, AISystem

from .choices import SystemRole
from .document_items import document_item_choices
from .models import (
    AimsRole,
    Commitment,
    CommunicationItem,
    CommunicationRecord,
    CompetenceRequirement,
    ContextIssue,
    Document,
    DocumentVersion,
    Indicator,
    InterestedParty,
    Measurement,
    Objective,
    OrganisationContext,
    PartyRequirement,
    PlannedChange,
    RoleAssignment,
    ScopeVersion,
    SystemRoleAssignment,
    TrainingRecord,
)

User = get_user_model()


def _user_field(label="Owner", required=True):
    return forms.ModelChoiceField(
        label=label,
        queryset=User.objects.filter(is_active=True),
        required=required,
        widget=AutocompleteSelect("aims.user"),
    )


def _controls_field():
    return forms.ModelMultipleChoiceField(
        queryset=Control.objects.all(),
        to_field_name="control_id",
        required=False,
        widget=AutocompleteSelectMultiple("controls.control"),
        help_text="Annex A or your own controls.",
    )


def _systems_field(label="AI systems"):
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=AISystem.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple("registry.aisystem"),
    )


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class OrganisationContextForm(AimsModelForm):
    fieldsets = [
        ("AI roles (4.1)", ["ai_roles", "ai_roles_note", "intended_purpose_summary"]),
        (
            "Climate change",
            [
                "climate_change",
                "climate_change_rationale",
                "climate_change_decided_on",
            ],
        ),
    ]
    ai_roles = forms.ModelMultipleChoiceField(
        label="Organisation's AI roles",
        queryset=AIRole.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = OrganisationContext
        fields = [
            "ai_roles",
            "ai_roles_note",
            "intended_purpose_summary",
            "climate_change",
            "climate_change_rationale",
            "climate_change_decided_on",
        ]
        widgets = {
            "ai_roles_note": _textarea(2),
            "intended_purpose_summary": _textarea(2),
            "climate_change_rationale": _textarea(2),
            "climate_change_decided_on": DateInput(),
        }


class ContextIssueForm(AimsModelForm):
    owner = _user_field()
    fieldsets = [
        ("Issue", ["title", "kind", "category", "description", "effect", "source"]),
        ("Follow-up", ["is_climate_change", "owner", "review_date", "status"]),
    ]

    class Meta:
        model = ContextIssue
        fields = [
            "title",
            "kind",
            "category",
            "description",
            "effect",
            "source",
            "is_climate_change",
            "owner",
            "review_date",
            "status",
        ]
        widgets = {
            "description": _textarea(),
            "effect": _textarea(2),
            "review_date": DateInput(),
        }


class InterestedPartyForm(AimsModelForm):
    owner = _user_field()

    class Meta:
        model = InterestedParty
        fields = [
            "name",
            "kind",
            "needs_and_expectations",
            "owner",
            "review_date",
            "status",
        ]
        widgets = {
            "needs_and_expectations": _textarea(),
            "review_date": DateInput(),
        }


class PartyRequirementForm(AimsModelForm):
    party = forms.ModelChoiceField(
        queryset=InterestedParty.objects.all(),
        widget=AutocompleteSelect("governance.interestedparty"),
    )
    controls = _controls_field()
    documents = forms.ModelMultipleChoiceField(
        queryset=Document.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple("governance.document"),
    )
    objectives = forms.ModelMultipleChoiceField(
        queryset=Objective.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple("governance.objective"),
    )

    class Meta:
        model = PartyRequirement
        fields = [
            "party",
            "requirement",
            "adopted",
            "how_addressed",
            "controls",
            "documents",
            "objectives",
        ]
        widgets = {"requirement": _textarea(2), "how_addressed": _textarea(2)}


class ScopeVersionForm(AimsModelForm):
    ai_systems = _systems_field("AI systems in scope")
    fieldsets = [
        ("Statement", ["statement", "boundaries", "units_and_sites", "ai_systems"]),
        (
            "Interfaces and exclusions",
            ["interfaces", "exclusions", "exclusion_justification"],
        ),
        ("This version", ["summary_of_changes", "next_review_date"]),
    ]

    class Meta:
        model = ScopeVersion
        fields = [
            "statement",
            "boundaries",
            "units_and_sites",
            "ai_systems",
            "interfaces",
            "exclusions",
            "exclusion_justification",
            "summary_of_changes",
            "next_review_date",
        ]
        widgets = {
            name: _textarea()
            for name in (
                "statement",
                "boundaries",
                "units_and_sites",
                "interfaces",
                "exclusions",
                "exclusion_justification",
                "summary_of_changes",
            )
        } | {"next_review_date": DateInput()}


class DocumentForm(AimsModelForm):
    owner = _user_field()
    controls = _controls_field()
    documented_information = forms.MultipleChoiceField(
        label="Documented information held",
        choices=document_item_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Document._meta.get_field("documented_information").help_text,
    )
    fieldsets = [
        ("Document", ["title", "doc_type", "purpose", "owner", "classification"]),
        (
            "Control (7.5.3)",
            ["retention", "review_interval_months", "next_review_date", "controls"],
        ),
        ("Documented information (7.5.1)", ["documented_information"]),
        ("External origin", ["external_source", "external_edition"]),
    ]

    class Meta:
        model = Document
        fields = [
            "title",
            "doc_type",
            "purpose",
            "owner",
            "classification",
            "retention",
            "review_interval_months",
            "next_review_date",
            "controls",
            "documented_information",
            "external_source",
            "external_edition",
        ]
        widgets = {"purpose": _textarea(2), "next_review_date": DateInput()}


class DocumentVersionForm(AimsModelForm):
    file = forms.FileField(
        required=False,
        help_text="Optional: the version as a file (PDF, Word, ...); kept in the evidence store.",
    )

    class Meta:
        model = DocumentVersion
        fields = ["text", "change_summary", "effective_date"]
        widgets = {
            "text": _textarea(16),
            "change_summary": _textarea(2),
            "effective_date": DateInput(),
        }


class ApproveForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        required=False,
        max_length=2000,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        max_length=2000,
    )


class PublishForm(forms.Form):
    groups = forms.ModelMultipleChoiceField(
        label="Publish to",
        queryset=Group.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        required=False,
        max_length=2000,
    )
    acknowledge_by = forms.DateField(
        required=False, widget=DateInput(attrs={"class": "form-control"})
    )


class ObjectiveForm(AimsModelForm):
    owner = _user_field()
    ai_systems = _systems_field("AI systems concerned")
    fieldsets = [
        ("Objective", ["title", "description", "target", "due_date", "owner"]),
        ("Plan (6.2)", ["resources", "evaluation_method", "status"]),
        ("What it concerns", ["concerns", "ai_systems", "annex_c_objectives"]),
    ]

    class Meta:
        model = Objective
        fields = [
            "title",
            "description",
            "target",
            "due_date",
            "owner",
            "resources",
            "evaluation_method",
            "status",
            "concerns",
            "ai_systems",
            "annex_c_objectives",
        ]
        widgets = {
            "description": _textarea(2),
            "resources": _textarea(2),
            "evaluation_method": _textarea(2),
            "due_date": DateInput(),
            "annex_c_objectives": forms.CheckboxSelectMultiple,
        }


class IndicatorForm(AimsModelForm):
    objective = forms.ModelChoiceField(
        queryset=Objective.objects.all(),
        widget=AutocompleteSelect("governance.objective"),
    )

    class Meta:
        model = Indicator
        fields = [
            "objective",
            "name",
            "unit",
            "value_type",
            "direction",
            "target",
            "threshold",
            "frequency",
            "first_due",
            "closed",
        ]


class MeasurementForm(AimsModelForm):
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.select_related("objective"),
        widget=AutocompleteSelect("governance.indicator"),
    )
    evidence = forms.ModelChoiceField(
        queryset=Evidence.objects.all(),
        required=False,
        widget=AutocompleteSelect("controls.evidence"),
    )

    class Meta:
        model = Measurement
        fields = ["indicator", "value", "measured_on", "period", "note", "evidence"]
        widgets = {"measured_on": DateInput(), "note": _textarea(2)}


class MeasurementImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV with the columns indicator, date, value, period, note."
    )


class PlannedChangeForm(AimsModelForm):
    responsible = _user_field("Responsible")

    class Meta:
        model = PlannedChange
        fields = [
            "title",
            "description",
            "purpose",
            "resources",
            "responsible",
            "planned_for",
            "status",
        ]
        widgets = {
            "description": _textarea(),
            "purpose": _textarea(2),
            "resources": _textarea(2),
            "planned_for": DateInput(),
        }


class AimsRoleForm(AimsModelForm):
    class Meta:
        model = AimsRole
        fields = [
            "name",
            "responsibilities",
            "authorities",
            "reports_to",
            "top_management",
        ]
        widgets = {"responsibilities": _textarea(3), "authorities": _textarea(2)}


class RoleAssignmentForm(AimsModelForm):
    person = _user_field("Holder")
    deputy = _user_field("Deputy", required=False)

    class Meta:
        model = RoleAssignment
        fields = ["role", "person", "deputy", "since", "until"]
        widgets = {"since": DateInput(), "until": DateInput()}


class CommitmentForm(AimsModelForm):
    made_by = _user_field("Made by")
    evidence = forms.ModelChoiceField(
        queryset=Evidence.objects.all(),
        required=False,
        widget=AutocompleteSelect("controls.evidence"),
    )

    class Meta:
        model = Commitment
        fields = ["statement", "made_by", "made_on", "evidence"]
        widgets = {"statement": _textarea(3), "made_on": DateInput()}


class CompetenceRequirementForm(AimsModelForm):
    class Meta:
        model = CompetenceRequirement
        fields = [
            "title",
            "description",
            "applies_to",
            "aims_role",
            "portal_role",
            "system_role",
            "ai_system",
            "ai_literacy",
            "validity_months",
        ]
        widgets = {"description": _textarea(2)}


class SystemRoleAssignmentForm(AimsModelForm):
    person = _user_field("Holder")

    class Meta:
        model = SystemRoleAssignment
        fields = ["ai_system", "role", "person", "since", "until"]
        widgets = {"since": DateInput(), "until": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The owner is the register's field; only the assigned roles are offered.
        self.fields["role"].choices = [
            c for c in self.fields["role"].choices if c[0] != SystemRole.OWNER
        ]


class TrainingRecordForm(AimsModelForm):
    person = _user_field("Person")
    certificate = forms.ModelChoiceField(
        queryset=Evidence.objects.all(),
        required=False,
        widget=AutocompleteSelect("controls.evidence"),
        help_text="An existing evidence item, or upload the certificate below.",
    )
    certificate_file = forms.FileField(required=False, label="Upload certificate")

    class Meta:
        model = TrainingRecord
        fields = [
            "person",
            "requirement",
            "kind",
            "title",
            "provider",
            "completed_on",
            "expires_on",
            "certificate",
        ]
        widgets = {"completed_on": DateInput(), "expires_on": DateInput()}


class CommunicationItemForm(AimsModelForm):
    communicator = _user_field("Who communicates")

    class Meta:
        model = CommunicationItem
        fields = [
            "topic",
            "audience",
            "reach",
            "timing",
            "channel",
            "communicator",
            "next_due",
        ]
        widgets = {"next_due": DateInput()}


class CommunicationRecordForm(AimsModelForm):
    evidence = forms.ModelChoiceField(
        queryset=Evidence.objects.all(),
        required=False,
        widget=AutocompleteSelect("controls.evidence"),
    )

    class Meta:
        model = CommunicationRecord
        fields = ["item", "happened_on", "summary", "evidence"]
        widgets = {"happened_on": DateInput(), "summary": _textarea(2)}
