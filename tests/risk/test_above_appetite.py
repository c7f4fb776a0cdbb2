"""Risks above the appetite are counted by the database (``RiskQuerySet.above_appetite``),
each against the criteria version it was assessed under, and the readiness item DI-03
and the management review's risk input count them so."""

import datetime

from audit.review_inputs import risk_treatment
from risk.choices import RiskStatus, Treatment
from risk.models import Risk, TreatmentAction
from risk.readiness import actions_item
from risk.services import criteria_current, treatment_action_save
from tests.factories import make_risk, make_system
from tests.risk.test_scoring import _custom_4x3


def _risk(owner, system, criteria, *, inherent="", residual="", **fields):
    risk = make_risk(owner, system, title=f"{inherent}/{residual}")
    Risk.objects.filter(pk=risk.pk).update(
        criteria=criteria,
        inherent_level=inherent,
        residual_level=residual,
        status=fields.pop("status", RiskStatus.ASSESSED),
        **fields,
    )
    return Risk.objects.get(pk=risk.pk)


def test_each_risk_is_compared_with_its_own_criteria_version(manager):
    system = make_system(manager)
    medium_appetite = criteria_current()  # the packaged criteria: appetite "medium"
    _risk(manager, system, medium_appetite, inherent="high")  # above
    _risk(manager, system, medium_appetite, inherent="critical", residual="medium")
    _risk(manager, system, medium_appetite, inherent="medium")
    low_appetite = _custom_4x3()  # appetite "low"
    _risk(manager, system, low_appetite, inherent="medium")  # above under this one
    _risk(manager, system, low_appetite, inherent="high", residual="low")
    _risk(manager, system, low_appetite)  # not assessed
    assert set(Risk.objects.above_appetite().values_list("title", flat=True)) == {
        "high/",
        "medium/",
    }
    # The old version's risk counts under the old version's appetite.
    assert Risk.objects.above_appetite().get(criteria=medium_appetite).title == "high/"


def test_the_readiness_item_counts_those_with_actions_or_an_acceptance(manager):
    system = make_system(manager)
    criteria = criteria_current()
    with_action = _risk(manager, system, criteria, inherent="high")
    treatment_action_save(
        action=TreatmentAction(
            risk=with_action,
            description="Add a human check",
            owner=manager,
            due_date=datetime.date(2027, 1, 31),
        ),
        actor=manager,
    )
    _risk(manager, system, criteria, inherent="critical", status=RiskStatus.ACCEPTED)
    _risk(manager, system, criteria, inherent="high", treatment=Treatment.TRANSFER)
    _risk(manager, system, criteria, inherent="high")  # not addressed
    _risk(manager, system, criteria, inherent="low")  # within the appetite
    item = actions_item(datetime.date(2026, 12, 2))
    assert (item.done, item.total) == (3, 4)
    figures = {f.label: f.value for f in risk_treatment(datetime.date(2026, 12, 2), None).figures}
    assert figures["Above the risk appetite"] == 4
    assert figures["Open risks"] == 5
