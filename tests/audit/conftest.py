"""Fixtures of the evidence-pack tests: a private media root and a system with risks."""

import datetime

import pytest

from risk.models import TreatmentAction
from risk.services import treatment_action_save
from tests.factories import make_risk


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Packs go to a throw-away MEDIA_ROOT through the default storage."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def risky_system(alice_system, risk_owner):
    """Alice's system with three assessed risks, one treated with controls and an action."""
    make_risk(
        risk_owner,
        alice_system,
        title="Biased ranking of candidates",
        inherent_likelihood=4,
        inherent_impact=4,
        treatment="mitigate",
        treatment_rationale="Fairness testing before each release.",
        residual_likelihood=2,
        residual_impact=3,
        controls=["A.6.2.4", "A.7.4"],
    )
    risk = make_risk(
        risk_owner,
        alice_system,
        title="Model drift",
        inherent_likelihood=3,
        inherent_impact=2,
    )
    treatment_action_save(
        action=TreatmentAction(
            risk=risk,
            description="Monthly drift report",
            owner=risk_owner,
            due_date=datetime.date(2030, 1, 31),
        ),
        actor=risk_owner,
    )
    make_risk(risk_owner, alice_system, title="Unclear explanations")
    return alice_system
