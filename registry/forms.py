from django import forms
from django.utils.html import format_html

from aims.forms import AimsModelForm, DateInput
from aims.permissions import users_with

from . import locks
from .layout import FIELDSETS
from .models import AISystem
from .services import TAG_MAX_LENGTH, tags_from_names


class LockedChoice(forms.Select):
    """A choice another record decides: its value as text, with a link to where it is set."""

    def __init__(self, lock: locks.FieldLock, url: str = "", **kwargs):
        super().__init__(**kwargs)
        self.lock, self.url = lock, url

    def render(self, name, value, attrs=None, renderer=None):
        label = dict(self.choices).get(value, value)
        link = (
            format_html(' · <a href="{}">{}</a>', self.url, self.lock.link_label)
            if self.url
            else ""
        )
        return format_html(
            '<p class="form-control-plaintext py-0" id="{}"><strong>{}</strong>{}</p>',
            (attrs or {}).get("id", ""),
            label,
            link,
        )


class AISystemForm(AimsModelForm):
    fieldsets = FIELDSETS
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=500,
        help_text="Separate tags with commas; new tags are created.",
    )

    class Meta:
        model = AISystem
        fields = [
            "name",
            "description",
            "intended_purpose",
            "business_unit",
            "owner",
            "lifecycle_stage",
            "ai_roles",
            "eu_operator_role",
            "source",
            "vendor",
            "model_type",
            "foundation_model",
            "data_categories",
            "affected_stakeholders",
            "geographies",
            "automation_level",
            "human_oversight",
            "criticality",
            "eu_risk_tier",
            "review_interval",
            "last_review_date",
            "next_review_date",
        ]
        widgets = {
            "ai_roles": forms.CheckboxSelectMultiple,
            "data_categories": forms.CheckboxSelectMultiple,
            "last_review_date": DateInput(),
            "next_review_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "intended_purpose": forms.Textarea(attrs={"rows": 3}),
            "affected_stakeholders": forms.Textarea(attrs={"rows": 2}),
            "human_oversight": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_with(AISystem, "own").order_by("username")
        # Optional in the form and the CSV import (older files lack the column): an
        # empty choice keeps the stored interval, or the default for a new system.
        self.fields["review_interval"].required = False
        for name, lock in locks.locked().items():
            field = self.fields.get(name)
            if field is None:
                continue
            # Disabled: the posted value is ignored and the stored one kept.
            field.disabled = True
            field.widget = LockedChoice(
                lock,
                lock.url(self.instance) if self.instance.pk else "",
                choices=field.choices,
            )
            field.help_text = lock.message
        if self.instance.pk:
            self.initial.setdefault(
                "tags", ", ".join(tag.name for tag in self.instance.tags.all())
            )

    def clean_review_interval(self):
        return self.cleaned_data.get("review_interval") or self.instance.review_interval

    def clean_tags(self):
        names = [name.strip() for name in self.cleaned_data["tags"].split(",")]
        too_long = [name for name in names if len(name) > TAG_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                f"Tags have at most {TAG_MAX_LENGTH} characters: {too_long[0][:20]}..."
            )
        return self.cleaned_data["tags"]

    def m2m_data(self) -> dict:
        data = super().m2m_data()
        data["tags"] = tags_from_names(self.cleaned_data.get("tags", "").split(","))
        return data
