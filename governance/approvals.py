"""Who approved what, and whether they were top management (5.1, 5.3) on that day
according to the roles records, next to every approval the portal shows.

The AI policy (5.2) and the scope of the AIMS (4.3) are top management's to approve;
the portal gives that right to the governance committee's portal role, but the roles
records say who top management is. An approval of either by someone who held no
top-management role on the day is flagged wherever it is shown, so the gap between
portal permissions and the organisation's own role assignments is visible.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import format_html

from .choices import DocumentType


@dataclass(frozen=True)
class Approval:
    person: object
    at: datetime.datetime | None
    # The top-management roles the approver held on the day (empty: none).
    roles: tuple[str, ...]
    required: bool

    @property
    def top_management(self) -> bool:
        return bool(self.roles)

    @property
    def flagged(self) -> bool:
        return self.required and not self.top_management

    @property
    def summary(self) -> str:
        if self.top_management:
            return f"top management ({', '.join(self.roles)})"
        if self.flagged:
            return "not top management, although this approval is top management's"
        return "not top management"

    def as_dict(self) -> dict:
        return {
            "top_management": self.top_management,
            "top_management_roles": list(self.roles),
            "requires_top_management": self.required,
            "flagged": self.flagged,
        }


def requires_top_management(record) -> bool:
    """The approvals the standard gives top management: the AI policy and the scope."""
    from .models import DocumentVersion, ScopeVersion

    if isinstance(record, DocumentVersion):
        return record.document.doc_type == DocumentType.AI_POLICY
    return isinstance(record, ScopeVersion)


class TopManagement:
    """The top-management role assignments, read once (one query) and asked per day."""

    def __init__(self):
        from .models import RoleAssignment

        self._spans: dict[int, list] = {}
        self._people: dict[int, object] = {}
        for assignment in RoleAssignment.objects.filter(
            role__top_management=True
        ).select_related("role", "person"):
            self._people[assignment.person_id] = assignment.person
            self._spans.setdefault(assignment.person_id, []).append(
                (assignment.since, assignment.until, assignment.role.name)
            )

    def roles_of(self, person_id, day: datetime.date) -> tuple[str, ...]:
        return tuple(
            sorted(
                name
                for since, until, name in self._spans.get(person_id, ())
                if since <= day and (until is None or until >= day)
            )
        )

    def holders(self, day: datetime.date | None = None) -> list[tuple[object, str]]:
        """(person, role) of everyone holding a top-management role on ``day``."""
        day = day or timezone.localdate()
        return sorted(
            (
                (self._people[person_id], name)
                for person_id in self._spans
                for name in self.roles_of(person_id, day)
            ),
            key=lambda pair: (pair[0].username, pair[1]),
        )

    def approval(self, record, person, at) -> Approval | None:
        """The approval of ``record`` by ``person`` at ``at``; None if not approved."""
        if person is None:
            return None
        day = timezone.localdate(at) if at else timezone.localdate()
        return Approval(
            person=person,
            at=at,
            roles=self.roles_of(person.pk, day),
            required=requires_top_management(record),
        )

    def of_version(self, version) -> Approval | None:
        return self.approval(version, version.approver, version.approved_at)

    def of_scope(self, scope) -> Approval | None:
        return self.approval(scope, scope.approved_by, scope.approved_at)


def approval_badge(approval: Approval | None):
    """The short mark lists show next to the approver's name."""
    if approval is None:
        return "—"
    if approval.top_management:
        return format_html(
            '{} <span class="badge text-bg-light border" title="{}">top management</span>',
            approval.person,
            ", ".join(approval.roles),
        )
    if approval.flagged:
        return format_html(
            '{} <span class="badge text-bg-danger" title="{}">not top management</span>',
            approval.person,
            "This approval is top management's (roles records).",
        )
    return format_html("{}", approval.person)
