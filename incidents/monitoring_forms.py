"""Forms of post-market monitoring: input shape only (rules: models and services)."""

from django import forms

from aims.forms import AimsModelForm, DateInput
from aims.permissions import visible_to

from .models import MonitoringMetric, MonitoringPlan, MonitoringResult


class MonitoringPlanForm(AimsModelForm):
    fieldsets = [
        ("Plan (EU AI Act Art. 72)", ["ai_system", "scope", "data_collection"]),
        ("Running it", ["responsible", "notes"]),
    ]

    class Meta:
        model = MonitoringPlan
        fields = ["ai_system", "scope", "data_collection", "responsible", "notes"]
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 3}),
            "data_collection": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["ai_system"]
        field.queryset = visible_to(field.queryset, self.user, "change")
        if self.instance.pk:
            # A plan stays with its system.
            field.disabled = True


class MonitoringMetricForm(AimsModelForm):
    fieldsets = [
        ("What is monitored", ["plan", "name", "method"]),
        ("Threshold", ["comparator", "threshold", "unit"]),
        ("How often and by whom", ["frequency_days", "responsible", "active"]),
    ]

    class Meta:
        model = MonitoringMetric
        fields = [
            "plan",
            "name",
            "method",
            "comparator",
            "threshold",
            "unit",
            "frequency_days",
            "responsible",
            "active",
        ]
        widgets = {
            "method": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["plan"]
        field.queryset = visible_to(field.queryset, self.user, "change")
        if self.instance.pk:
            field.disabled = True


class MonitoringResultForm(AimsModelForm):
    fieldsets = [("Result", ["measured_on", "value", "notes", "evidence"])]

    class Meta:
        model = MonitoringResult
        fields = ["measured_on", "value", "notes", "evidence"]
        widgets = {
            "measured_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        evidence = self.fields["evidence"]
        evidence.queryset = visible_to(evidence.queryset, self.user)
        metric = self.instance.metric
        self.fields["value"].help_text = (
            f"Acceptable: {metric.threshold_text()}. A value outside opens an incident "
            "for triage."
        )
