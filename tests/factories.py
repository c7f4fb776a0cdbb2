"""Test data built through the same services the portal uses (so history is real)."""

import itertools

from django.contrib.auth.models import Group

from aims import accounts
from aims.models import User
from registry import locks
from registry.models import AISystem
from registry.services import ai_system_save

_counter = itertools.count(1)
# Passes the password validators (length, similarity, common passwords).
TEST_PASSWORD = "Tulip-Harbour-482"


def make_user(username: str | None = None, *roles: str, **fields) -> User:
    username = username or f"user{next(_counter)}"
    return accounts.user_create(
        actor=None,
        username=username,
        password=TEST_PASSWORD,
        first_name=fields.pop("first_name", username.capitalize()),
        roles=[Group.objects.get(name=role) for role in roles],
        **fields,
    )


def make_system(
    owner: User | None = None, *, actor=None, m2m=None, **fields
) -> AISystem:
    fields.setdefault("name", f"AI system {next(_counter)}")
    fields.setdefault("intended_purpose", "Support decisions in a test.")
    if owner is not None:
        fields.setdefault("lifecycle_stage", "development")
    system = AISystem(owner=owner, **fields)
    # A tier given here stands in for a classification (the register locks the field).
    with locks.setting(*(set(fields) & set(locks.locked()))):
        return ai_system_save(system=system, actor=actor or owner, m2m=m2m)


def make_risk(
    owner: User, system: AISystem | None = None, *, actor=None, controls=None, **fields
):
    """A risk through ``risk_save``; pass inherent_likelihood/impact to have it assessed."""
    from risk.models import Risk, RiskSource
    from risk.services import risk_save

    fields.setdefault("title", f"Risk {next(_counter)}")
    fields.setdefault("consequence", "Harm in a test.")
    fields.setdefault("risk_source", RiskSource.objects.get(code="C.3.4"))
    risk = Risk(owner=owner, ai_system=system, **fields)
    return risk_save(risk=risk, actor=actor or owner, controls=controls)
