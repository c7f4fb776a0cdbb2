from django import forms

from aims.forms import AimsModelForm, BooleanChoiceField, DateInput
from aims.permissions import users_with, visible_to
from registry.models import AISystem
from risk.models import Risk

from .models import Control, ControlCheck, ControlDomain, Evidence, SoAEntry
from .models.library import CUSTOM_DOMAIN


class ControlForm(AimsModelForm):
    """Organisation-specific controls; Annex A ones come from the reference library."""

    class Meta:
        model = Control
        fields = [
            "control_id",
            "domain",
            "title",
            "summary",
            "default_test_frequency_days",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = ControlDomain.objects.all()
        if self.instance.pk is None:
            self.initial.setdefault(
                "domain", ControlDomain.objects.filter(code=CUSTOM_DOMAIN).first()
            )
        else:
            self.fields["control_id"].disabled = True

    def clean_control_id(self):
        return (self.cleaned_data.get("control_id") or "").strip().upper()


class SoAEntryForm(AimsModelForm):
    applicable = BooleanChoiceField(
        labels=("Excluded", "Applicable"),
        help_text="Decide whether the control is part of your AIMS.",
    )

    fieldsets = [
        ("Decision (6.1.3)", ["applicable", "justification"]),
        (
            "Implementation",
            [
                "implementation_status",
                "owner",
                "implementation_description",
                "target_date",
                "test_frequency_days",
            ],
        ),
    ]

    class Meta:
        model = SoAEntry
        fields = [
            "applicable",
            "justification",
            "implementation_status",
            "owner",
            "implementation_description",
            "target_date",
            "test_frequency_days",
        ]
        widgets = {
            "justification": forms.Textarea(attrs={"rows": 3}),
            "implementation_description": forms.Textarea(attrs={"rows": 3}),
            "target_date": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["justification"].required = True
        self.fields["owner"].queryset = users_with(SoAEntry, "own").order_by("username")


class EvidenceForm(AimsModelForm):
    url = forms.URLField(
        label="Link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For evidence kept elsewhere (a ticket, a wiki page, a repository).",
    )
    file = forms.FileField(
        required=False,
        help_text="PDF, images, office documents or UTF-8 text. A new file adds a "
        "version; earlier versions are kept.",
    )

    fieldsets = [
        ("Evidence", ["title", "description", "file", "url"]),
        ("Validity", ["collected_on", "valid_until", "owner", "restricted"]),
        ("What it shows", ["controls", "risks", "ai_systems"]),
    ]

    class Meta:
        model = Evidence
        fields = [
            "title",
            "description",
            "url",
            "collected_on",
            "valid_until",
            "owner",
            "restricted",
            "controls",
            "risks",
            "ai_systems",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "collected_on": DateInput(),
            "valid_until": DateInput(),
            "controls": forms.SelectMultiple(attrs={"size": 10}),
            "risks": forms.SelectMultiple(attrs={"size": 6}),
            "ai_systems": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_with(Evidence, "own").order_by("username")
        self.fields["controls"].queryset = Control.objects.all()
        self.fields["risks"].queryset = visible_to(Risk.objects.all(), self.user)
        self.fields["ai_systems"].queryset = visible_to(
            AISystem.objects.all(), self.user
        )
        for name in ("controls", "risks", "ai_systems"):
            self.fields[name].widget.attrs["class"] = "form-select"


class ControlCheckForm(AimsModelForm):
    class Meta:
        model = ControlCheck
        fields = ["checked_on", "result", "notes", "evidence"]
        widgets = {
            "checked_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = visible_to(Evidence.objects.all(), self.user)
        self.fields["evidence"].widget.attrs["class"] = "form-select"


class ApproveForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="What the approval covers, e.g. the review meeting and its decision.",
    )


class NewDraftForm(forms.Form):
    summary = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        label="Why a new version",
    )
