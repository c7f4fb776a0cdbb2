"""Forms pick records through searchable pickers: no form enumerates a growing table."""

import pytest
from django.urls import reverse

from aims.autocomplete import (
    INLINE_LIMIT,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
)
from aims.roles import AI_SYSTEM_OWNER
from controls.forms import EvidenceForm, SoAEntryForm
from registry.forms import AISystemForm
from risk.forms import RiskForm
from risk.services import criteria_current
from tests.factories import make_system, make_user

PICKERS = (AutocompleteSelect, AutocompleteSelectMultiple)


@pytest.mark.parametrize(
    ("form_class", "fields", "kwargs"),
    [
        (AISystemForm, ["owner"], {}),
        (EvidenceForm, ["owner", "risks", "ai_systems"], {}),
        (SoAEntryForm, ["owner"], {}),
        (RiskForm, ["owner", "ai_system"], {"criteria": "current"}),
    ],
)
def test_record_choices_are_pickers(db, manager, form_class, fields, kwargs):
    if kwargs.get("criteria"):
        kwargs = {"criteria": criteria_current()}
    form = form_class(user=manager, **kwargs)
    for name in fields:
        assert isinstance(form.fields[name].widget, PICKERS), name


def test_the_add_form_does_not_grow_with_the_systems(manager, client_for):
    owner = make_user("olga", AI_SYSTEM_OWNER)
    for n in range(INLINE_LIMIT + 5):
        make_system(owner, name=f"Picker system {n:03d}")
    page = client_for(manager).get(reverse("controls:evidence_add")).content.decode()
    assert "Picker system 050" not in page
    assert 'data-autocomplete-url="/api/v1/autocomplete/registry.aisystem/"' in page
