from django import forms

from aims.autocomplete import AutocompleteSelect, AutocompleteSelectMultiple
from aims.forms import AimsModelForm, DateInput
from aims.permissions import users_with, visible_to

from .choices import LifecycleStage, SupplyKind
from .models import (
    AcceptanceCriterion,
    Dataset,
    LifecycleRecord,
    ProvenanceEntry,
    QualityRequirement,
    Release,
    Responsibility,
    Supplier,
    SupplierReview,
    SystemDataset,
    SystemResource,
)

TEXT = forms.Textarea(attrs={"rows": 3})


class SupplierForm(AimsModelForm):
    supplies = forms.MultipleChoiceField(
        label="What they supply",
        choices=SupplyKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    fieldsets = [
        ("Supplier", ["name", "supplies", "description", "contact", "owner"]),
        ("Contract", ["contract_reference", "contract_ends"]),
    ]

    class Meta:
        model = Supplier
        fields = [
            "name",
            "supplies",
            "description",
            "contact",
            "owner",
            "contract_reference",
            "contract_ends",
        ]
        widgets = {
            "description": TEXT,
            "contract_ends": DateInput(),
            "owner": AutocompleteSelect("aims.user"),
        }


class SupplierReviewForm(AimsModelForm):
    class Meta:
        model = SupplierReview
        fields = ["reviewed_on", "result", "notes", "next_review"]
        widgets = {
            "reviewed_on": DateInput(),
            "next_review": DateInput(),
            "notes": TEXT,
        }


class DatasetForm(AimsModelForm):
    fieldsets = [
        ("Dataset", ["name", "description", "owner", "categories"]),
        (
            "Acquisition (A.7.3)",
            ["source", "supplier", "acquisition", "quantity", "rights"],
        ),
        ("Preparation (A.7.6)", ["preparation", "selection_criteria"]),
        ("Retention", ["retention", "deletion"]),
    ]

    class Meta:
        model = Dataset
        fields = [
            "name",
            "description",
            "owner",
            "categories",
            "source",
            "supplier",
            "acquisition",
            "quantity",
            "rights",
            "preparation",
            "selection_criteria",
            "retention",
            "deletion",
        ]
        widgets = {
            "categories": forms.CheckboxSelectMultiple,
            "owner": AutocompleteSelect("registry.dataset.owner"),
            "supplier": AutocompleteSelect("registry.supplier"),
            "description": TEXT,
            "acquisition": TEXT,
            "rights": TEXT,
            "preparation": TEXT,
            "selection_criteria": TEXT,
            "deletion": TEXT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_with(Dataset, "own")


class ProvenanceEntryForm(AimsModelForm):
    class Meta:
        model = ProvenanceEntry
        fields = ["occurred_on", "kind", "description", "performed_by"]
        widgets = {"occurred_on": DateInput(), "description": TEXT}


class QualityRequirementForm(AimsModelForm):
    class Meta:
        model = QualityRequirement
        fields = [
            "characteristic",
            "requirement",
            "comparator",
            "threshold",
            "measured_value",
            "measured_on",
        ]
        widgets = {"measured_on": DateInput()}


class SystemDatasetForm(AimsModelForm):
    class Meta:
        model = SystemDataset
        fields = ["dataset", "role", "notes"]
        widgets = {"dataset": AutocompleteSelect("registry.dataset")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].queryset = visible_to(Dataset.objects.all(), self.user)


class SystemResourceForm(AimsModelForm):
    stages = forms.MultipleChoiceField(
        label="Life-cycle stages",
        choices=LifecycleStage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = SystemResource
        fields = [
            "kind",
            "name",
            "component_version",
            "supplier",
            "location",
            "licence",
            "competences",
            "stages",
            "notes",
        ]
        widgets = {
            "supplier": AutocompleteSelect("registry.supplier"),
            "competences": TEXT,
            "notes": TEXT,
        }


class ResponsibilityForm(AimsModelForm):
    class Meta:
        model = Responsibility
        fields = ["kind", "activity", "party", "supplier", "description"]
        widgets = {
            "supplier": AutocompleteSelect("registry.supplier"),
            "description": TEXT,
        }


class LifecycleRecordForm(AimsModelForm):
    class Meta:
        model = LifecycleRecord
        fields = ["kind", "title", "summary", "audience", "evidence"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "evidence": AutocompleteSelectMultiple("controls.evidence"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from controls.models import Evidence

        self.fields["evidence"].queryset = visible_to(Evidence.objects.all(), self.user)


class AcceptanceCriterionForm(AimsModelForm):
    class Meta:
        model = AcceptanceCriterion
        fields = [
            "criterion",
            "metric",
            "comparator",
            "threshold",
            "measured_value",
            "measured_on",
            "evidence",
        ]
        widgets = {
            "measured_on": DateInput(),
            "evidence": AutocompleteSelect("controls.evidence"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from controls.models import Evidence

        self.fields["evidence"].queryset = visible_to(Evidence.objects.all(), self.user)


class ReleaseForm(AimsModelForm):
    override_justification = forms.CharField(
        label="Committee override: justification",
        required=False,
        widget=TEXT,
        help_text="Only the governance committee may release despite a failed gate; "
        "the justification is recorded in the change log.",
    )

    class Meta:
        model = Release
        fields = ["release_version", "released_on", "notes"]
        widgets = {"released_on": DateInput(), "notes": TEXT}
