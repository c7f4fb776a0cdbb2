"""The management-review inputs (ISO/IEC 42001 9.3.2) this app computes from live data.

Each input reads the organisation as of the review date ``as_of`` and compares the
period since the previous review (``since``) with the period of the same length before
it. Inputs held by other apps' records (risk treatment, the SoA, evidence, control
checks) are registered here under those apps' keys until they register their own: a
later registration with the same key replaces these.
"""

import datetime

from django.db.models import Count, Q
from django.urls import reverse

from aims.review_inputs import Figure, InputReport, ReviewInput, register

from .choices import (
    OPEN_ACTION_STATUSES,
    AuditStatus,
    CorrectiveActionStatus,
    DecisionStatus,
    NonconformitySource,
    ReviewStatus,
)

# Without a previous review, the period looked at is the year before the review.
DEFAULT_PERIOD = datetime.timedelta(days=365)


def _periods(as_of, since):
    start = since or (as_of - DEFAULT_PERIOD)
    length = as_of - start
    return start, start - length


def _end_of(day):
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)


def _start_of(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def previous_actions(as_of, since) -> InputReport:
    """9.3.2 a): the decisions of earlier reviews and how far they got."""
    from .models import ManagementReviewDecision

    decisions = ManagementReviewDecision.objects.filter(
        review__status=ReviewStatus.SIGNED, review__review_date__lt=as_of
    )
    totals = decisions.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=DecisionStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=DecisionStatus.OPEN, due_date__lt=as_of)),
        done=Count("pk", filter=Q(status=DecisionStatus.DONE)),
    )
    rows = list(
        decisions.filter(status=DecisionStatus.OPEN)
        .select_related("review", "owner")
        .order_by("due_date", "pk")[:50]
    )
    return InputReport(
        figures=[
            Figure("Decisions of earlier reviews", totals["total"]),
            Figure("Done", totals["done"]),
            Figure("Still open", totals["open"]),
            Figure("Overdue", totals["overdue"]),
        ],
        summary=(
            f"{totals['done']} of {totals['total']} decisions of earlier reviews are "
            f"done; {totals['open']} open, {totals['overdue']} of them overdue."
        ),
        records_url=reverse("audit:managementreview_list"),
        data={
            "open_decisions": [
                {
                    "review": d.review.reference,
                    "description": d.description[:200],
                    "owner": str(d.owner),
                    "due_date": d.due_date.isoformat(),
                    "overdue": d.due_date < as_of,
                }
                for d in rows
            ]
        },
    )


def _by_hand(subject: str):
    def compute(as_of, since) -> InputReport:
        return InputReport(
            summary=(
                f"No portal record holds the {subject} yet: record the changes since "
                "the last review by hand in this input."
            ),
            data={"manual": True},
        )

    return compute


def nonconformities(as_of, since) -> InputReport:
    """9.3.2 d) 1): nonconformities and corrective actions, with the trend."""
    from .models import CorrectiveAction, Nonconformity

    start, previous_start = _periods(as_of, since)
    counts = Nonconformity.objects.aggregate(
        opened=Count("pk", filter=Q(raised_on__gt=start, raised_on__lte=as_of)),
        opened_before=Count(
            "pk", filter=Q(raised_on__gt=previous_start, raised_on__lte=start)
        ),
        closed=Count(
            "pk",
            filter=Q(closed_at__gt=_end_of(start), closed_at__lte=_end_of(as_of)),
        ),
        closed_before=Count(
            "pk",
            filter=Q(
                closed_at__gt=_end_of(previous_start), closed_at__lte=_end_of(start)
            ),
        ),
        open=Count(
            "pk",
            filter=Q(raised_on__lte=as_of)
            & (Q(closed_at__isnull=True) | Q(closed_at__gt=_end_of(as_of))),
        ),
        major_open=Count(
            "pk",
            filter=Q(raised_on__lte=as_of, grade="major_nc")
            & (Q(closed_at__isnull=True) | Q(closed_at__gt=_end_of(as_of))),
        ),
    )
    by_source = dict(
        Nonconformity.objects.filter(raised_on__gt=start, raised_on__lte=as_of)
        .values_list("source")
        .annotate(n=Count("pk"))
        .values_list("source", "n")
    )
    actions = CorrectiveAction.objects.aggregate(
        overdue=Count(
            "pk", filter=Q(status__in=OPEN_ACTION_STATUSES, due_date__lt=as_of)
        ),
        unverified=Count("pk", filter=Q(status=CorrectiveActionStatus.DONE)),
        not_effective=Count(
            "pk",
            filter=Q(
                status=CorrectiveActionStatus.NOT_EFFECTIVE,
                updated__gt=_end_of(start),
                updated__lte=_end_of(as_of),
            ),
        ),
    )
    labels = dict(NonconformitySource.choices)
    return InputReport(
        figures=[
            Figure("Opened", counts["opened"], previous=counts["opened_before"]),
            Figure("Closed", counts["closed"], previous=counts["closed_before"]),
            Figure("Open on the review date", counts["open"]),
            Figure("Open major nonconformities", counts["major_open"]),
            Figure(
                "Corrective actions overdue",
                actions["overdue"],
                url=reverse("audit:correctiveaction_list") + "?overdue=true",
            ),
            Figure(
                "Corrective actions awaiting verification",
                actions["unverified"],
                url=reverse("audit:correctiveaction_list") + "?unverified=true",
            ),
            Figure("Actions found not effective", actions["not_effective"]),
        ],
        summary=(
            f"{counts['opened']} nonconformities opened since {start} "
            f"(period before: {counts['opened_before']}), {counts['closed']} closed; "
            f"{counts['open']} open, {counts['major_open']} of them major."
        ),
        records_url=reverse("audit:nonconformity_list"),
        data={
            "by_source": {
                labels.get(source, source): n for source, n in sorted(by_source.items())
            }
        },
    )


def monitoring(as_of, since) -> InputReport:
    """9.3.2 d) 2): results of control effectiveness checks in the period."""
    from controls.models import ControlCheck

    start, previous_start = _periods(as_of, since)
    counts = ControlCheck.objects.aggregate(
        checks=Count("pk", filter=Q(checked_on__gt=start, checked_on__lte=as_of)),
        checks_before=Count(
            "pk", filter=Q(checked_on__gt=previous_start, checked_on__lte=start)
        ),
        failed=Count(
            "pk",
            filter=Q(checked_on__gt=start, checked_on__lte=as_of, result="fail"),
        ),
        failed_before=Count(
            "pk",
            filter=Q(
                checked_on__gt=previous_start, checked_on__lte=start, result="fail"
            ),
        ),
        partial=Count(
            "pk",
            filter=Q(checked_on__gt=start, checked_on__lte=as_of, result="partial"),
        ),
    )
    return InputReport(
        figures=[
            Figure(
                "Control checks", counts["checks"], previous=counts["checks_before"]
            ),
            Figure("Failed", counts["failed"], previous=counts["failed_before"]),
            Figure("Partly effective", counts["partial"]),
        ],
        summary=(
            f"{counts['checks']} control checks since {start}: {counts['failed']} "
            f"failed, {counts['partial']} partly effective."
        ),
        records_url=reverse("controls:soa"),
    )


def audit_results(as_of, since) -> InputReport:
    """9.3.2 d) 3): audits reported in the period and their findings by grade."""
    from .models import Audit, Finding
    from .reference import finding_grades

    start, previous_start = _periods(as_of, since)
    reported = Q(status__in=(AuditStatus.REPORTED, AuditStatus.CLOSED))
    audits = Audit.objects.filter(reported).aggregate(
        now=Count("pk", filter=Q(actual_end__gt=start, actual_end__lte=as_of)),
        before=Count(
            "pk", filter=Q(actual_end__gt=previous_start, actual_end__lte=start)
        ),
    )
    grades = dict(
        Finding.objects.filter(
            audit__actual_end__gt=start, audit__actual_end__lte=as_of
        )
        .filter(audit__status__in=(AuditStatus.REPORTED, AuditStatus.CLOSED))
        .values_list("grade")
        .annotate(n=Count("pk"))
        .values_list("grade", "n")
    )
    grades_before = dict(
        Finding.objects.filter(
            audit__actual_end__gt=previous_start, audit__actual_end__lte=start
        )
        .values_list("grade")
        .annotate(n=Count("pk"))
        .values_list("grade", "n")
    )
    figures = [Figure("Audits reported", audits["now"], previous=audits["before"])]
    for grade in finding_grades():
        figures.append(
            Figure(
                grade["title"],
                grades.get(grade["id"], 0),
                previous=grades_before.get(grade["id"], 0),
                url=reverse("audit:finding_list") + f"?grade={grade['id']}",
            )
        )
    return InputReport(
        figures=figures,
        summary=(
            f"{audits['now']} audits reported since {start} with "
            f"{sum(grades.values())} findings."
        ),
        records_url=reverse("audit:audit_list"),
    )


def improvement(as_of, since) -> InputReport:
    """9.3.2 e): open opportunities for improvement and observations."""
    from .choices import FindingStatus
    from .models import Finding

    counts = Finding.objects.filter(created__lte=_end_of(as_of)).aggregate(
        ofi=Count("pk", filter=Q(grade="ofi", status=FindingStatus.OPEN)),
        observation=Count(
            "pk", filter=Q(grade="observation", status=FindingStatus.OPEN)
        ),
    )
    return InputReport(
        figures=[
            Figure(
                "Open opportunities for improvement",
                counts["ofi"],
                url=reverse("audit:finding_list") + "?grade=ofi&status=open",
            ),
            Figure(
                "Open observations",
                counts["observation"],
                url=reverse("audit:finding_list") + "?grade=observation&status=open",
            ),
        ],
        summary=(
            f"{counts['ofi']} opportunities for improvement and "
            f"{counts['observation']} observations are open."
        ),
        records_url=reverse("audit:finding_list") + "?status=open",
    )


def risk_treatment(as_of, since) -> InputReport:
    """Added: risk treatment status and residual risks above the appetite."""
    from risk.choices import ActionStatus
    from risk.models import Risk, TreatmentAction

    risks = Risk.objects.open().exclude(residual_level="", inherent_level="")
    open_risks = risks.count()
    above = risks.above_appetite().count()
    actions = TreatmentAction.objects.aggregate(
        open=Count(
            "pk", filter=Q(status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS))
        ),
        overdue=Count(
            "pk",
            filter=Q(
                status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS),
                due_date__lt=as_of,
            ),
        ),
    )
    return InputReport(
        figures=[
            Figure("Open risks", open_risks),
            Figure("Above the risk appetite", above),
            Figure("Open treatment actions", actions["open"]),
            Figure("Treatment actions overdue", actions["overdue"]),
        ],
        summary=(
            f"{above} of {open_risks} open risks are above the appetite; "
            f"{actions['overdue']} of {actions['open']} treatment actions overdue."
        ),
        records_url=reverse("risk:risk_list"),
    )


def soa_changes(as_of, since) -> InputReport:
    """Added: SoA versions approved in the period."""
    from controls.models import SoAVersion

    start, previous_start = _periods(as_of, since)
    counts = SoAVersion.objects.aggregate(
        approved=Count(
            "pk",
            filter=Q(approved_at__gt=_end_of(start), approved_at__lte=_end_of(as_of)),
        ),
        approved_before=Count(
            "pk",
            filter=Q(
                approved_at__gt=_end_of(previous_start),
                approved_at__lte=_end_of(start),
            ),
        ),
    )
    latest = (
        SoAVersion.objects.filter(approved_at__lte=_end_of(as_of))
        .order_by("-number")
        .values_list("number", "approved_at")
        .first()
    )
    return InputReport(
        figures=[
            Figure(
                "SoA versions approved",
                counts["approved"],
                previous=counts["approved_before"],
            ),
            Figure("Approved version in force", latest[0] if latest else "none"),
        ],
        summary=(
            f"{counts['approved']} SoA versions approved since {start}; "
            + (
                f"version {latest[0]} approved on {latest[1]:%Y-%m-%d} is in force."
                if latest
                else "no approved SoA yet."
            )
        ),
        records_url=reverse("controls:soa"),
    )


def evidence_expiring(as_of, since) -> InputReport:
    """Added: evidence expired or expiring within 30 days of the review."""
    from controls.models import Evidence

    soon = as_of + datetime.timedelta(days=30)
    counts = Evidence.objects.aggregate(
        expired=Count("pk", filter=Q(valid_until__lt=as_of)),
        expiring=Count("pk", filter=Q(valid_until__gte=as_of, valid_until__lte=soon)),
        total=Count("pk"),
    )
    return InputReport(
        figures=[
            Figure("Evidence items", counts["total"]),
            Figure("Expired", counts["expired"]),
            Figure("Expiring within 30 days", counts["expiring"]),
        ],
        summary=(
            f"{counts['expired']} evidence items expired and {counts['expiring']} "
            "expire within 30 days."
        ),
        records_url=reverse("controls:evidence_list"),
    )


def _input_title(input_id: str) -> str:
    from aims.reference import reference_data

    for item in reference_data()["iso42001_management_review_inputs"]["inputs"]:
        for entry in [item, *item.get("children", [])]:
            if entry["id"] == input_id:
                return entry["title"].rstrip(":")
    return input_id


def _added_title(starts_with: str) -> str:
    from aims.reference import reference_data

    added = reference_data()["iso42001_management_review_inputs"][
        "commonly_added_inputs_not_required"
    ]
    return next((t for t in added if t.startswith(starts_with)), starts_with)


def register_inputs() -> None:
    standard = [
        ("audit.previous_actions", "9.3.2 a)", previous_actions),
        ("audit.external_issues", "9.3.2 b)", _by_hand("external and internal issues")),
        ("audit.interested_parties", "9.3.2 c)", _by_hand("interested parties' needs")),
        ("audit.nonconformities", "9.3.2 d) 1)", nonconformities),
        ("controls.monitoring", "9.3.2 d) 2)", monitoring),
        ("audit.audit_results", "9.3.2 d) 3)", audit_results),
        ("audit.improvement", "9.3.2 e)", improvement),
    ]
    for order, (key, input_id, compute) in enumerate(standard, start=1):
        register(
            ReviewInput(
                key=key,
                input_id=input_id,
                title=_input_title(input_id),
                order=order * 10,
                compute=compute,
                # Issues and parties entered by hand until an app holds them.
                fallback=key in ("audit.external_issues", "audit.interested_parties"),
            )
        )
    register(
        ReviewInput(
            key="risk.treatment",
            input_id="added",
            title=_added_title("Status of AI risk treatment"),
            order=80,
            compute=risk_treatment,
        )
    )
    register(
        ReviewInput(
            key="controls.soa_changes",
            input_id="added",
            title="Statement of Applicability changes and approvals",
            order=90,
            compute=soa_changes,
        )
    )
    register(
        ReviewInput(
            key="controls.evidence_expiry",
            input_id="added",
            title="Evidence expired or expiring",
            order=100,
            compute=evidence_expiring,
        )
    )
