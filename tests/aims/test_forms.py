"""Shared form behaviour: what a user sees in a form is what saving it sends back."""

import pytest
from django import forms
from django.urls import reverse

from aims.forms import AimsModelForm, BooleanChoiceField
from controls.models import SoAEntry
from controls.services import soa_current, soa_entry_save
from tests.http import form_data


@pytest.mark.parametrize("applicable", [True, False])
def test_a_decided_soa_row_is_saved_again_without_touching_the_form(
    manager, client_for, applicable
):
    entry = SoAEntry.objects.get(soa=soa_current(), control__control_id="A.2.2")
    entry.applicable, entry.justification = applicable, "Needed for our AI systems."
    soa_entry_save(entry=entry, actor=manager)
    client = client_for(manager)
    url = reverse("controls:soaentry_edit", args=[entry.pk])

    page = client.get(url)
    data = form_data(page.content)
    assert data["applicable"] == ("true" if applicable else "false")

    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    entry.refresh_from_db()
    assert entry.applicable is applicable


def test_boolean_choice_fields_show_the_stored_decision():
    class DecisionForm(forms.Form):
        decided = BooleanChoiceField(labels=("Excluded", "Applicable"))

    for value, expected in ((True, "true"), (False, "false"), (None, "")):
        html = str(DecisionForm(initial={"decided": value})["decided"])
        assert f'<option value="{expected}" selected>' in html


def test_every_typed_choice_field_of_a_model_form_shows_its_initial_value(db):
    """A TypedChoiceField whose initial value is the coerced value (a bool, an int)
    must still select the matching option (the SoA bug, for any form)."""

    class Form(AimsModelForm):
        applicable = forms.TypedChoiceField(
            choices=[("", "—"), ("true", "Applicable"), ("false", "Excluded")],
            coerce=lambda value: value == "true",
            empty_value=None,
        )

        class Meta:
            model = SoAEntry
            fields = ["applicable"]

    entry = SoAEntry.objects.filter(soa=soa_current()).first()
    entry.applicable = False
    assert '<option value="false" selected>' in str(Form(instance=entry)["applicable"])


def every_filterset():
    import importlib
    import importlib.util

    from django.apps import apps

    from aims.filtersets import SearchFilterSet

    for config in apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.filtersets") is not None:
            importlib.import_module(f"{config.name}.filtersets")

    pending = [SearchFilterSet]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls._meta.model is not None:
            yield cls


@pytest.mark.parametrize("filterset", list(every_filterset()), ids=lambda c: c.__name__)
def test_every_filter_has_a_readable_label(db, rf, manager, filterset):
    request = rf.get("/")
    request.user = manager
    labels = [
        str(field.label)
        for field in filterset(
            request=request, queryset=filterset._meta.model.objects.none()
        ).form.fields.values()
    ]
    assert not [label for label in labels if "invalid name" in label or not label]


def test_the_evidence_freshness_filter_is_labelled(manager, client_for):
    page = client_for(manager).get(reverse("controls:evidence_list")).content.decode()
    assert "[invalid name]" not in page
    assert ">Freshness</label>" in page


def test_a_too_long_value_is_refused_with_a_message_not_cut_by_the_browser(
    alice, client_for
):
    """A maxlength attribute makes the browser drop what is pasted beyond it, silently;
    the server says how long the value may be instead."""
    client = client_for(alice)
    url = reverse("registry:aisystem_add")
    assert "maxlength" not in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "owner": alice.pk,
            "name": "x" * 10_000,
            "intended_purpose": "Route claims.",
            "lifecycle_stage": "development",
            "source": "in_house",
            "automation_level": "on_the_loop",
            "criticality": "high",
            "eu_risk_tier": "unclassified",
        },
    )
    assert response.status_code == 400
    assert "at most 200 characters (it has 10000)" in " ".join(
        response.context["form"].errors["name"]
    )
