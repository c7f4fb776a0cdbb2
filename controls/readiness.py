"""What the SoA and the evidence store tell the readiness view (``aims.readiness``,
``aims.documented_information``): each Annex A control judged from its SoA row, the SoA
itself (DI-06), control checks run as planned (DI-14), and the unapproved-SoA blocker."""

from django.urls import reverse

from aims.documented_information import ItemStatus, Source
from aims.documented_information import register as register_item
from aims.readiness import (
    BlockerItem,
    BlockerSource,
    Judge,
    Judgement,
    Readiness,
    register_blocker,
    register_judge,
)

from .choices import CheckResult, ImplementationStatus, SoAStatus
from .models import SoAVersion
from .selectors import soa_rows
from .services import next_check_due, soa_current


def _owner(row) -> str:
    return str(row.owner) if row.owner_id else ""


def judge_row(row, as_of) -> Judgement:
    """One control from its SoA row: decided, implemented, current evidence, a passing
    check that is not overdue. Excluded with a justification counts as ready."""
    url = reverse("controls:control_detail", args=[row.control_id])
    owner = _owner(row)
    if row.applicable is None:
        return Judgement(
            Readiness.NOT_READY,
            "Not decided in the SoA.",
            "Decide whether the control applies and justify it.",
            owner,
            url,
        )
    if row.applicable is False:
        if row.justification.strip():
            return Judgement(
                Readiness.READY, "Excluded, with a justification.", url=url
            )
        return Judgement(
            Readiness.NOT_READY,
            "Excluded without a justification.",
            "Justify the exclusion in the SoA.",
            owner,
            url,
        )
    problems, status = [], Readiness.READY
    if row.implementation_status in (
        ImplementationStatus.NOT_STARTED,
        ImplementationStatus.PLANNED,
    ):
        return Judgement(
            Readiness.NOT_READY,
            f"Applicable; implementation {row.get_implementation_status_display().lower()}.",
            "Implement the control and record evidence of it.",
            owner,
            url,
        )
    if row.implementation_status == ImplementationStatus.PARTIAL:
        problems.append("partially implemented")
        status = Readiness.PARTIAL
    if not row.current_evidence_count:
        problems.append(
            "no current evidence" if not row.evidence_count else "evidence expired"
        )
        status = Readiness.PARTIAL
    if row.last_check_result is None:
        problems.append("never checked")
        status = Readiness.PARTIAL
    elif row.last_check_result == CheckResult.FAIL:
        problems.append("last check failed")
        status = Readiness.NOT_READY
    elif row.last_check_result == CheckResult.PARTIAL:
        problems.append("last check partly passed")
        status = min(status, Readiness.PARTIAL, key=_rank)
    elif next_check_due(row.last_checked_on, row.test_frequency) < as_of:
        problems.append("check overdue")
        status = min(status, Readiness.PARTIAL, key=_rank)
    if not problems:
        return Judgement(
            Readiness.READY,
            "Implemented, current evidence, last check passed.",
            url=url,
        )
    return Judgement(
        status,
        "Applicable: " + ", ".join(problems) + ".",
        "Close these in the SoA: " + ", ".join(problems) + ".",
        owner,
        url,
    )


def _rank(status: Readiness) -> int:
    return [Readiness.NOT_READY, Readiness.PARTIAL, Readiness.READY].index(status)


def annex_a_judgements(as_of) -> dict[str, Judgement]:
    rows = soa_rows(soa_current(), as_of)
    return {row.control.control_id: judge_row(row, as_of) for row in rows}


def soa_item(as_of) -> ItemStatus:
    """DI-06: an approved SoA, and whether the working draft has moved on from it."""
    approved = (
        SoAVersion.objects.filter(status=SoAStatus.APPROVED).order_by("-number").first()
    )
    draft = SoAVersion.objects.filter(status=SoAStatus.DRAFT).first()
    url = reverse("controls:soa")
    if approved is None:
        return ItemStatus(
            present=draft is not None,
            approved=False,
            summary="No SoA version is approved yet.",
            url=url,
        )
    summary = f"Version {approved.number} approved on {approved.approved_at:%Y-%m-%d}."
    if draft is not None:
        summary += f" Draft {draft.number} is being prepared."
    return ItemStatus(present=True, approved=True, summary=summary, url=url)


def checks_item(as_of) -> ItemStatus:
    """DI-14 (in part): control checks run at their planned frequency."""
    rows = [r for r in soa_rows(soa_current(), as_of) if r.applicable]
    on_time = sum(
        1
        for r in rows
        if r.last_checked_on is not None
        and next_check_due(r.last_checked_on, r.test_frequency) >= as_of
    )
    return ItemStatus(
        present=bool(rows) and on_time > 0,
        done=on_time,
        total=len(rows),
        summary=f"{on_time} of {len(rows)} applicable controls checked within their test frequency.",
        url=reverse("controls:soa") + "?applicable=yes",
    )


def unapproved_soa(as_of) -> list[BlockerItem]:
    if SoAVersion.objects.filter(status=SoAStatus.APPROVED).exists():
        return []
    return [
        BlockerItem(
            reference="SoA",
            title="No approved Statement of Applicability",
            url=reverse("controls:soa"),
        )
    ]


def register() -> None:
    register_judge(
        Judge("controls.annex_a", "Statement of Applicability", annex_a_judgements)
    )
    register_item(Source("DI-06", "Approved SoA versions", soa_item))
    register_item(Source("DI-14", "Control effectiveness checks", checks_item))
    register_blocker(
        BlockerSource(
            key="controls.soa_unapproved",
            label="No approved Statement of Applicability",
            action="Decide and justify every control, then have the committee approve the SoA.",
            find=unapproved_soa,
        )
    )
