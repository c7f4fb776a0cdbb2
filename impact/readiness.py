"""What the impact assessments tell the readiness view: clause 6.1.4 and 8.4 and
controls A.5.2 to A.5.5 judged from the approved assessments of the systems in scope,
and the documented-information items they hold (DI-08, DI-09, DI-17, DI-A07 to DI-A09)."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from aims.context import once_per_request
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
from registry.scope import systems_in_scope

from .models import AssessmentTemplate, Classification, Impact, ImpactAssessment

LIST_URL = "impact:impactassessment_list"


@once_per_request
def _counts(as_of) -> dict:
    """The figures every judge and item here reads: one query, once per request (the
    readiness page asks for each item and control in turn)."""
    approved = ImpactAssessment.objects.filter(
        ai_system=OuterRef("pk"), status="approved"
    )
    current = approved.filter(review_needed=False, next_review_date__gte=as_of)
    groups = approved.filter(
        Exists(
            Impact.objects.filter(
                assessment=OuterRef("pk"), scale__in=("individual", "group")
            )
        )
    )
    societal = approved.filter(answers__has_key="societal_effects")
    rows = list(
        systems_in_scope(as_of)
        .annotate(
            approved=Exists(approved),
            current=Exists(current),
            groups=Exists(groups),
            societal=Exists(societal),
        )
        .values_list("approved", "current", "groups", "societal")
    )
    return {
        "total": len(rows),
        "approved": sum(1 for r in rows if r[0]),
        "current": sum(1 for r in rows if r[1]),
        "groups": sum(1 for r in rows if r[2]),
        "societal": sum(1 for r in rows if r[3]),
    }


def _judgement(done: int, total: int, what: str, action: str) -> Judgement:
    url = reverse(LIST_URL)
    if total == 0:
        return Judgement(
            Readiness.NOT_READY,
            "No AI system in scope yet.",
            "Define the AIMS scope and its systems.",
            url=url,
        )
    summary = f"{done} of {total} AI systems in scope {what}."
    if done == total:
        return Judgement(Readiness.READY, summary, url=url)
    return Judgement(
        Readiness.PARTIAL if done else Readiness.NOT_READY,
        summary,
        action,
        "AI system owners",
        url,
    )


def judgements(as_of) -> dict[str, Judgement]:
    counts = _counts(as_of)
    total = counts["total"]
    process = AssessmentTemplate.objects.filter(is_current=True).exists()
    approved = _judgement(
        counts["approved"],
        total,
        "have an approved impact assessment",
        "Assess and approve the remaining systems' impacts.",
    )
    if not process:
        approved = Judgement(
            Readiness.NOT_READY,
            "No impact assessment template is published.",
            "Publish the template.",
            url=reverse("impact:template_list"),
        )
    return {
        "6.1.4": approved,
        "A.5.2": approved,
        "A.5.3": _judgement(
            counts["approved"],
            total,
            "keep an approved assessment with its retention date",
            "Approve the assessments; approval sets the retention date.",
        ),
        "8.4": _judgement(
            counts["current"],
            total,
            "have an approved assessment that is current (not due, no review needed)",
            "Reassess the systems that changed or are due.",
        ),
        "A.5.4": _judgement(
            counts["groups"],
            total,
            "document impacts on individuals or groups in an approved assessment",
            "Record the impacts on individuals and groups.",
        ),
        "A.5.5": _judgement(
            counts["societal"],
            total,
            "document societal impacts in an approved assessment",
            "Answer the societal-effects question and approve.",
        ),
    }


def _item(kind: str):
    def judge(as_of) -> ItemStatus:
        counts = _counts(as_of)
        key = {
            "results": "approved",
            "operational": "current",
            "retained": "approved",
            "groups": "groups",
            "societal": "societal",
        }[kind]
        return ItemStatus(
            present=counts[key] > 0,
            done=counts[key],
            total=counts["total"],
            summary=f"{counts[key]} of {counts['total']} AI systems in scope.",
            url=reverse(LIST_URL),
        )

    return judge


def process_item(as_of) -> ItemStatus:
    """DI-08: the impact assessment process, kept as the published template version."""
    current = AssessmentTemplate.objects.filter(is_current=True).first()
    if current is None:
        return ItemStatus(
            present=False, summary="No impact assessment template published."
        )
    return ItemStatus(
        present=True,
        approved=True,
        summary=f"Template version {current.number} in use since {current.created:%Y-%m-%d}.",
        url=reverse("impact:template_list"),
    )


def prohibited_systems(as_of) -> list[BlockerItem]:
    """A system classified as a prohibited practice stops a certification outright."""
    rows = Classification.objects.filter(
        is_current=True, tier="prohibited"
    ).select_related("ai_system__owner")
    return [
        BlockerItem(
            reference=row.ai_system.reference,
            title=row.ai_system.name,
            url=row.get_absolute_url(),
            owner=str(row.ai_system.owner or ""),
            obj=row.ai_system,
        )
        for row in rows.filter(~Q(ai_system__lifecycle_stage="retired"))
    ]


def register_sources() -> None:
    register_judge(
        Judge("impact.assessments", "AI system impact assessments", judge=judgements)
    )
    register_blocker(
        BlockerSource(
            "impact.prohibited",
            "AI system classified as a prohibited practice (EU AI Act Art. 5)",
            action="Stop or redesign the system and reclassify it.",
            find=prohibited_systems,
        )
    )
    register_item(
        Source("DI-08", "Impact assessment template (the process)", process_item)
    )
    register_item(Source("DI-09", "Approved impact assessments", _item("results")))
    register_item(
        Source(
            "DI-17",
            "Current impact assessments (planned intervals, changes)",
            _item("operational"),
        )
    )
    for item_id, label, kind in (
        (
            "DI-A07",
            "Approved impact assessments kept to their retention date",
            "retained",
        ),
        ("DI-A08", "Impacts on individuals and groups", "groups"),
        ("DI-A09", "Societal impacts", "societal"),
    ):
        register_item(Source(item_id, label, _item(kind)))
