"""Competence per AI-system role (7.2, A.3.2, A.4.6): the owner the register names
and the operators, reviewers and developers assigned to each AI system, the competence
their role requires on that system (or on every system), and the gaps."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from .choices import AppliesTo, SystemRole
from .models import CompetenceRequirement, SystemRoleAssignment, TrainingRecord


def system_role_holders(requirements, today) -> dict:
    """(AI-system role, system id) -> {person: since} for the roles ``requirements``
    name: the register's owners and the current assignments, two queries at most."""
    from registry.choices import LifecycleStage
    from registry.models import AISystem

    wanted = {r.system_role for r in requirements}
    holders: dict = {}
    if not wanted:
        return holders
    if SystemRole.OWNER in wanted:
        for system in (
            AISystem.objects.exclude(lifecycle_stage=LifecycleStage.RETIRED)
            .filter(owner__is_active=True)
            .select_related("owner")
        ):
            holders.setdefault((SystemRole.OWNER, system.pk), {})[system.owner] = (
                system.created.date()
            )
    for assignment in (
        SystemRoleAssignment.objects.current(today)
        .filter(role__in=wanted, person__is_active=True)
        .exclude(ai_system__lifecycle_stage=LifecycleStage.RETIRED)
        .select_related("person")
    ):
        held = holders.setdefault((assignment.role, assignment.ai_system_id), {})
        held[assignment.person] = min(
            held.get(assignment.person, assignment.since), assignment.since
        )
    return holders


@dataclass(frozen=True)
class RoleCompetence:
    """One requirement for one holder of a role on an AI system, and how it stands."""

    requirement: object
    state: str  # met, expired, missing
    until: datetime.date | None = None


@dataclass
class SystemRoleHolder:
    role: str
    person: object
    since: datetime.date | None
    assignment: object = None  # None for the owner the register names
    competence: list = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return SystemRole(self.role).label

    @property
    def gaps(self) -> int:
        return sum(1 for c in self.competence if c.state != "met")


def system_competence(system, today=None) -> dict:
    """Who holds which role on ``system``, the competence each role requires there (on
    this system or on every system) and whether each holder meets it; roles that are
    required but held by nobody. Three queries whatever the number of people."""
    from .services import record_expiry

    today = today or timezone.localdate()
    holders = []
    if system.owner_id is not None:
        holders.append(
            SystemRoleHolder(SystemRole.OWNER, system.owner, system.created.date())
        )
    for assignment in (
        SystemRoleAssignment.objects.current(today)
        .filter(ai_system=system)
        .select_related("person")
        .order_by("role", "person__username")
    ):
        holders.append(
            SystemRoleHolder(
                assignment.role, assignment.person, assignment.since, assignment
            )
        )
    requirements = list(
        CompetenceRequirement.objects.filter(applies_to=AppliesTo.AI_SYSTEM_ROLE)
        .filter(Q(ai_system=system) | Q(ai_system__isnull=True))
        .order_by("title")
    )
    records: dict = {}
    if requirements and holders:
        for record in TrainingRecord.objects.filter(
            requirement__in=requirements, person__in={h.person.pk for h in holders}
        ):
            records.setdefault((record.requirement_id, record.person_id), []).append(
                record
            )
    for holder in holders:
        for requirement in requirements:
            if requirement.system_role != holder.role:
                continue
            expiries = [
                record_expiry(r, requirement)
                for r in records.get((requirement.pk, holder.person.pk), [])
            ]
            valid = [e for e in expiries if e is None or e >= today]
            if valid:
                until = None if None in valid else max(valid)
                holder.competence.append(RoleCompetence(requirement, "met", until))
            elif expiries:
                holder.competence.append(
                    RoleCompetence(requirement, "expired", max(expiries))
                )
            else:
                holder.competence.append(RoleCompetence(requirement, "missing"))
    held = {h.role for h in holders}
    return {
        "holders": holders,
        "requirements": requirements,
        "unfilled": [r for r in requirements if r.system_role not in held],
        "gaps": sum(h.gaps for h in holders),
    }
