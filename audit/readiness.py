"""What the audit app tells the readiness view: the documented information it holds
(DI-19 to DI-23), judgements of 9.2, 9.3 and 10 from its records, and open major
nonconformities as blockers. Organisation-wide counts and references, never titles."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse

from aims.documented_information import ItemStatus, Source, register
from aims.readiness import (
    BlockerItem,
    BlockerSource,
    Judge,
    Judgement,
    Readiness,
    register_blocker,
    register_judge,
)

from .choices import (
    AuditStatus,
    CorrectiveActionStatus,
    DecisionKind,
    DecisionStatus,
    NonconformityStatus,
    ProgrammeStatus,
)

YEAR = datetime.timedelta(days=365)
_REPORTED = (AuditStatus.REPORTED, AuditStatus.CLOSED)


def _current_programme(as_of):
    from .models import AuditProgramme

    return AuditProgramme.objects.current(as_of)


def programme_item(as_of) -> ItemStatus:
    """DI-19: an approved audit programme whose period covers the date."""
    from .models import AuditProgramme

    url = reverse("audit:auditprogramme_list")
    # The programme table is small: one query, then decide here.
    programmes = list(
        AuditProgramme.objects.exclude(status=ProgrammeStatus.SUPERSEDED).order_by(
            "-period_end", "-number"
        )
    )
    approved = [p for p in programmes if p.status == ProgrammeStatus.APPROVED]
    current = next(
        (p for p in approved if p.period_start <= as_of <= p.period_end), None
    )
    if current is not None:
        return ItemStatus(
            present=True,
            approved=True,
            current=True,
            summary=f"{current.reference} version {current.number} approved, "
            f"{current.period_start} to {current.period_end}.",
            url=current.get_absolute_url(),
        )
    if approved:
        return ItemStatus(
            present=True,
            approved=True,
            current=False,
            summary=f"The approved programme ended on {approved[0].period_end}.",
            url=url,
        )
    return ItemStatus(
        present=bool(programmes),
        approved=False if programmes else None,
        summary="A draft programme awaits approval."
        if programmes
        else "No audit programme.",
        url=url,
    )


def results_item(as_of) -> ItemStatus:
    """DI-20: audits due in the last year are reported."""
    from .models import Audit

    due = Audit.objects.filter(planned_end__lte=as_of, planned_end__gt=as_of - YEAR)
    totals = due.aggregate(
        total=Count("pk"), reported=Count("pk", filter=Q(status__in=_REPORTED))
    )
    return ItemStatus(
        present=totals["reported"] > 0,
        done=totals["reported"],
        total=totals["total"],
        summary=f"{totals['reported']} of {totals['total']} audits due in the last "
        "12 months are reported.",
        url=reverse("audit:audit_list") + "?status=reported&status=closed",
    )


def _last_review(as_of):
    from .models import ManagementReview

    return (
        ManagementReview.objects.signed()
        .filter(review_date__lte=as_of)
        .order_by("-review_date")
        .first()
    )


def review_item(as_of) -> ItemStatus:
    """DI-21: a signed management review, the next one not overdue."""
    review = _last_review(as_of)
    url = reverse("audit:managementreview_list")
    if review is None:
        return ItemStatus(
            present=False, summary="No signed management review.", url=url
        )
    due = review.next_review_date or review.review_date + YEAR
    return ItemStatus(
        present=True,
        approved=True,
        current=due >= as_of,
        summary=f"{review.reference} signed, held on {review.review_date}; next due {due}.",
        url=review.get_absolute_url(),
    )


def nonconformities_item(as_of) -> ItemStatus:
    """DI-22: open nonconformities have their causes and an action recorded."""
    from django.db.models import Exists, OuterRef

    from .models import CorrectiveAction, Nonconformity

    open_ = ~Q(status=NonconformityStatus.CLOSED)
    totals = Nonconformity.objects.annotate(
        has_action=Exists(CorrectiveAction.objects.filter(nonconformity=OuterRef("pk")))
    ).aggregate(
        recorded=Count("pk"),
        open=Count("pk", filter=open_),
        handled=Count("pk", filter=open_ & Q(has_action=True) & ~Q(root_causes=[])),
    )
    return ItemStatus(
        present=totals["recorded"] > 0,
        done=totals["handled"],
        total=totals["open"],
        summary=f"{totals['handled']} of {totals['open']} open nonconformities have a "
        "root cause and a corrective action.",
        url=reverse("audit:nonconformity_list") + "?open=true",
    )


def corrective_results_item(as_of) -> ItemStatus:
    """DI-23: completed corrective actions have a recorded effectiveness check."""
    from .models import CorrectiveAction

    totals = CorrectiveAction.objects.aggregate(
        all=Count("pk"),
        completed=Count(
            "pk",
            filter=Q(
                status__in=(
                    CorrectiveActionStatus.DONE,
                    CorrectiveActionStatus.EFFECTIVE,
                    CorrectiveActionStatus.NOT_EFFECTIVE,
                )
            ),
        ),
        verified=Count(
            "pk",
            filter=Q(
                status__in=(
                    CorrectiveActionStatus.EFFECTIVE,
                    CorrectiveActionStatus.NOT_EFFECTIVE,
                )
            ),
        ),
    )
    return ItemStatus(
        present=totals["all"] > 0,
        done=totals["verified"],
        total=totals["completed"],
        summary=f"{totals['verified']} of {totals['completed']} completed corrective "
        "actions are verified for effectiveness.",
        url=reverse("audit:correctiveaction_list") + "?unverified=true",
    )


def judgements(as_of) -> dict[str, Judgement]:
    """9.2.1 (audits held at planned intervals), 9.3.1 / 9.3.2 (reviews held, with
    their inputs), 10.1 (improvement decided and carried out), 10.2 (no overdue
    corrective action, nonconformities closed after verification)."""
    from .models import Audit, CorrectiveAction, ManagementReviewDecision

    found: dict[str, Judgement] = {}
    programme = _current_programme(as_of)
    reported = Audit.objects.filter(
        status__in=_REPORTED, actual_end__gt=as_of - YEAR, actual_end__lte=as_of
    ).count()
    audits_url = reverse("audit:audit_list")
    if programme is None:
        found["9.2.1"] = Judgement(
            Readiness.NOT_READY,
            "No approved audit programme covers today.",
            action="Plan the audit programme and have the committee approve it.",
            owner="AIMS manager",
            url=reverse("audit:auditprogramme_list"),
        )
    elif not reported:
        found["9.2.1"] = Judgement(
            Readiness.PARTIAL,
            "The programme is approved, but no audit was reported in the last 12 months.",
            action="Hold and report the next planned internal audit.",
            owner="Lead auditor",
            url=audits_url,
        )
    else:
        found["9.2.1"] = Judgement(
            Readiness.READY,
            f"{reported} audits reported in the last 12 months.",
            url=audits_url,
        )
    review = _last_review(as_of)
    reviews_url = reverse("audit:managementreview_list")
    if review is None:
        judgement = Judgement(
            Readiness.NOT_READY,
            "No management review was signed off.",
            action="Schedule a management review, prepare its inputs and hold it.",
            owner="Governance committee",
            url=reviews_url,
        )
    elif (review.next_review_date or review.review_date + YEAR) < as_of:
        judgement = Judgement(
            Readiness.PARTIAL,
            f"The last review ({review.reference}, {review.review_date}) is overdue for repeat.",
            action="Hold the next management review.",
            owner="Governance committee",
            url=reviews_url,
        )
    else:
        judgement = Judgement(
            Readiness.READY,
            f"{review.reference} held on {review.review_date} and signed off.",
            url=review.get_absolute_url(),
        )
    found["9.3.1"] = judgement
    found["9.3.2"] = judgement
    improvements = ManagementReviewDecision.objects.filter(
        kind=DecisionKind.IMPROVEMENT
    ).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(status=DecisionStatus.DONE))
    )
    if improvements["total"]:
        found["10.1"] = Judgement(
            Readiness.READY if improvements["done"] else Readiness.PARTIAL,
            f"{improvements['done']} of {improvements['total']} improvement decisions "
            "of management reviews carried out.",
            action=""
            if improvements["done"]
            else "Carry out the improvement decisions.",
            url=reviews_url,
        )
    overdue = CorrectiveAction.objects.overdue(as_of).count()
    if overdue:
        found["10.2"] = Judgement(
            Readiness.PARTIAL,
            f"{overdue} corrective actions are overdue.",
            action="Complete the overdue corrective actions or replan them.",
            owner="Action owners",
            url=reverse("audit:correctiveaction_list") + "?overdue=true",
        )
    return found


def open_major_nonconformities(as_of) -> list[BlockerItem]:
    from .models import Nonconformity

    return [
        BlockerItem(
            reference=nc.reference,
            title=nc.title,
            url=nc.get_absolute_url(),
            owner=str(nc.owner),
            obj=nc,
        )
        for nc in Nonconformity.objects.major_open()
        .filter(raised_on__lte=as_of)
        .select_related("owner")
        .order_by("reference")
    ]


def register_sources() -> None:
    register(Source("DI-19", "Internal audit programme", programme_item))
    register(Source("DI-20", "Reported internal audits", results_item))
    register(Source("DI-21", "Signed management reviews", review_item))
    register(Source("DI-22", "Nonconformities and their actions", nonconformities_item))
    register(Source("DI-23", "Verified corrective actions", corrective_results_item))
    register_judge(
        Judge("audit.audits_reviews", "Audits, reviews and improvement", judgements)
    )
    register_blocker(
        BlockerSource(
            key="audit.major_nc",
            label="Open major nonconformity",
            action="Close it with a corrective action verified effective.",
            find=open_major_nonconformities,
        )
    )
