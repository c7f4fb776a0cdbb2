import datetime

from django import forms

from aims.autocomplete import AutocompleteSelect, AutocompleteSelectMultiple
from aims.forms import AimsModelForm
from aims.permissions import users_with, visible_to
from registry.models import AISystem

from .choices import ConcernStatus, Severity
from .deadlines import serious_incident_limbs
from .models import Concern, Incident, TimelineEntry
from .models.incidents import time_zone_choices


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ZonedTimesMixin:
    """Times are typed as wall-clock times of the record's time zone and stored in UTC."""

    zoned_fields: tuple[str, ...] = ()

    def zone_name(self) -> str:
        return self.instance_zone

    def localise_initial(self, zone) -> None:
        for name in self.zoned_fields:
            value = self.initial.get(name)
            if isinstance(value, datetime.datetime):
                self.initial[name] = value.astimezone(zone).replace(tzinfo=None)

    def apply_zone(self, cleaned: dict, zone) -> None:
        for name in self.zoned_fields:
            value = cleaned.get(name)
            if isinstance(value, datetime.datetime):
                # The field parsed the text in the server's zone (UTC); re-read it in ours.
                cleaned[name] = value.replace(tzinfo=zone)


class IncidentForm(ZonedTimesMixin, AimsModelForm):
    zoned_fields = ("occurred_at", "detected_at", "aware_at")
    fieldsets = [
        ("What happened", ["ai_system", "title", "description", "severity"]),
        ("When", ["occurred_at", "detected_at", "aware_at", "time_zone"]),
        ("Who was affected", ["affected_persons", "harm"]),
        ("Handling", ["handler", "risks"]),
        ("Investigation", ["root_cause", "corrective_actions"]),
    ]

    class Meta:
        model = Incident
        fields = [
            "ai_system",
            "title",
            "description",
            "severity",
            "occurred_at",
            "detected_at",
            "aware_at",
            "time_zone",
            "affected_persons",
            "harm",
            "handler",
            "risks",
            "root_cause",
            "corrective_actions",
        ]
        widgets = {
            "ai_system": AutocompleteSelect("registry.aisystem"),
            "handler": AutocompleteSelect("incidents.incident.owner"),
            "risks": AutocompleteSelectMultiple("risk.risk"),
            "occurred_at": LocalDateTimeInput(),
            "detected_at": LocalDateTimeInput(),
            "aware_at": LocalDateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "affected_persons": forms.Textarea(attrs={"rows": 2}),
            "harm": forms.Textarea(attrs={"rows": 2}),
            "root_cause": forms.Textarea(attrs={"rows": 2}),
            "corrective_actions": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from risk.models import Risk

        self.fields["time_zone"] = forms.ChoiceField(
            choices=time_zone_choices(),
            initial=self.instance.time_zone or "UTC",
            help_text=Incident._meta.get_field("time_zone").help_text,
        )
        self.fields["time_zone"].widget.attrs["class"] = "form-select"
        self.fields["ai_system"].queryset = visible_to(
            AISystem.objects.all(), self.user, "view"
        )
        self.fields["handler"].queryset = users_with(Incident, "own")
        self.fields["risks"].queryset = visible_to(
            Risk.objects.all(), self.user, "view"
        )
        for name in self.zoned_fields:
            self.fields[name].help_text = (
                self.fields[name].help_text + " In the time zone below."
            ).strip()
        if self.instance.pk:
            self.localise_initial(self.instance.zone)
        else:
            for name in ("root_cause", "corrective_actions"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        import zoneinfo

        name = cleaned.get("time_zone") or "UTC"
        try:
            zone = zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return cleaned
        self.apply_zone(cleaned, zone)
        for field in self.zoned_fields:
            setattr(self.instance, field, cleaned.get(field))
        return cleaned


class IncidentTriageForm(forms.Form):
    is_serious = forms.TypedChoiceField(
        label="Serious incident (EU AI Act Art. 3(49))?",
        choices=[("false", "No"), ("true", "Yes")],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
    )
    serious_limbs = forms.MultipleChoiceField(
        label="Limbs of Art. 3(49) met",
        choices=lambda: [
            (ref, f"{ref} {title}") for ref, title in serious_incident_limbs()
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    involves_death = forms.BooleanField(label="A person died", required=False)
    widespread_infringement = forms.BooleanField(
        label="Widespread infringement (Art. 3(61))", required=False
    )
    severity = forms.ChoiceField(choices=Severity.choices)
    handler = forms.ModelChoiceField(
        queryset=None,
        required=False,
        widget=AutocompleteSelect("incidents.incident.owner"),
    )
    rationale = forms.CharField(
        label="Rationale", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    _version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = users_with(Incident, "own")
        for name in ("severity", "handler", "rationale"):
            css = "form-select" if name != "rationale" else "form-control"
            self.fields[name].widget.attrs.setdefault("class", css)


class IncidentCloseForm(forms.Form):
    root_cause = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        required=False,
    )
    corrective_actions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        required=False,
    )
    closure_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        required=False,
    )
    _version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class TimelineEntryForm(ZonedTimesMixin, AimsModelForm):
    zoned_fields = ("at",)
    fieldsets = [
        ("Entry", ["at", "kind", "summary"]),
        (
            "Report to the authority (Art. 73)",
            ["authority", "external_reference", "report_type"],
        ),
    ]

    class Meta:
        model = TimelineEntry
        fields = [
            "at",
            "kind",
            "summary",
            "authority",
            "external_reference",
            "report_type",
        ]
        widgets = {
            "at": LocalDateTimeInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = self.instance.incident.zone
        self.fields["at"].help_text = f"In {self.instance.incident.time_zone}."
        self.localise_initial(zone)

    def clean(self):
        cleaned = super().clean()
        self.apply_zone(cleaned, self.instance.incident.zone)
        self.instance.at = cleaned.get("at")
        return cleaned


class ConcernForm(AimsModelForm):
    fieldsets = [
        ("Your concern", ["ai_system", "subject", "description", "name_withheld"])
    ]

    class Meta:
        model = Concern
        fields = ["ai_system", "subject", "description", "name_withheld"]
        widgets = {
            "ai_system": AutocompleteSelect("registry.aisystem"),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ai_system"].queryset = visible_to(
            AISystem.objects.all(), self.user, "view"
        )
        self.fields["name_withheld"].widget.attrs["class"] = "form-check-input"


class ConcernResponseForm(AimsModelForm):
    fieldsets = [("Handling", ["status", "response"])]

    class Meta:
        model = Concern
        fields = ["status", "response"]
        widgets = {"response": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = ConcernStatus.choices
