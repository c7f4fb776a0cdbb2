"""The figures the readiness judges and documented-information sources read, gathered
in a fixed handful of queries and shared by all of them within one request (the
readiness page asks a dozen sources on the same date)."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from aims.context import once_per_request


def count_of(queryset):
    """A scalar subquery counting ``queryset``'s rows (0 when none)."""
    counted = (
        queryset.order_by()
        .annotate(_one=Value(1, output_field=IntegerField()))
        .values("_one")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass(frozen=True)
class DeclaredDocument:
    pk: int
    reference: str
    approved: bool
    next_review_date: datetime.date | None


@dataclass
class Facts:
    counts: dict
    scope: object
    scope_systems: int
    scope_draft: bool
    policy: object
    policy_audience: int
    policy_acknowledged: int
    indicators: list  # (frequency days, last measured or None)
    gaps: int
    # Documents declaring documented-information items: item id -> [DeclaredDocument]
    declared: dict


@once_per_request
def readiness_facts(as_of: datetime.date) -> Facts:
    return _gather(as_of)


@receiver(post_save, dispatch_uid="governance_facts_saved")
@receiver(post_delete, dispatch_uid="governance_facts_deleted")
@receiver(m2m_changed, dispatch_uid="governance_facts_m2m")
def _forget(sender, **kwargs):
    # Any write in the request makes the figures of this request stale.
    readiness_facts.forget()


def _gather(as_of) -> Facts:
    from registry.models import AISystem

    from .choices import FREQUENCY_DAYS, DocumentType, VersionStatus
    from .models import (
        Acknowledgement,
        AimsRole,
        Commitment,
        CommunicationItem,
        CommunicationRecord,
        CompetenceRequirement,
        ContextIssue,
        Document,
        DocumentVersion,
        Indicator,
        InterestedParty,
        Measurement,
        Objective,
        OrganisationContext,
        PartyRequirement,
        PlannedChange,
        RoleAssignment,
        ScopeVersion,
        TrainingRecord,
    )

    approved = DocumentVersion.objects.filter(
        document=OuterRef("pk"), status=VersionStatus.APPROVED
    )
    documents = Document.objects.annotate(has_approved=Exists(approved))
    objectives = Objective.objects.exclude(status="closed").annotate(
        measured=Exists(Indicator.objects.filter(objective=OuterRef("pk")))
    )
    held = RoleAssignment.objects.current(as_of).filter(role=OuterRef("pk"))
    context_roles = OrganisationContext.ai_roles.through.objects.all()
    counts = {
        "issues_open": count_of(ContextIssue.objects.filter(status="open")),
        "ai_roles": count_of(context_roles),
        "climate_decided": count_of(
            OrganisationContext.objects.exclude(climate_change="")
        ),
        "parties": count_of(InterestedParty.objects.filter(status="open")),
        "adopted": count_of(PartyRequirement.objects.filter(adopted=True)),
        "top_roles": count_of(AimsRole.objects.filter(top_management=True)),
        "commitments": count_of(Commitment.objects.filter(made_on__lte=as_of)),
        "roles": count_of(AimsRole.objects.all()),
        "roles_unheld": count_of(AimsRole.objects.filter(~Exists(held))),
        "changes": count_of(PlannedChange.objects.all()),
        "competence_requirements": count_of(CompetenceRequirement.objects.all()),
        "training_records": count_of(TrainingRecord.objects.all()),
        "communications": count_of(CommunicationItem.objects.all()),
        "communication_records": count_of(CommunicationRecord.objects.all()),
        "communications_overdue": count_of(
            CommunicationItem.objects.filter(next_due__lt=as_of)
        ),
        "documents": count_of(documents.exclude(doc_type=DocumentType.EXTERNAL)),
        "documents_approved": count_of(
            documents.exclude(doc_type=DocumentType.EXTERNAL).filter(has_approved=True)
        ),
        "external": count_of(documents.filter(doc_type=DocumentType.EXTERNAL)),
        "external_approved": count_of(
            documents.filter(doc_type=DocumentType.EXTERNAL, has_approved=True)
        ),
        "documents_overdue": count_of(
            Document.objects.filter(next_review_date__lt=as_of)
        ),
        "ai_policies": count_of(
            Document.objects.filter(doc_type=DocumentType.AI_POLICY)
        ),
        "objectives": count_of(objectives),
        "objectives_measured": count_of(objectives.filter(measured=True)),
        "dev_objectives": count_of(
            objectives.filter(concerns__in=("development", "both"))
        ),
        "dev_objectives_measured": count_of(
            objectives.filter(concerns__in=("development", "both"), measured=True)
        ),
        "use_objectives": count_of(objectives.filter(concerns__in=("use", "both"))),
        "use_objectives_measured": count_of(
            objectives.filter(concerns__in=("use", "both"), measured=True)
        ),
        "scope_drafts": count_of(ScopeVersion.objects.filter(status="draft")),
    }
    row = (
        ContentType.objects.filter(
            pk=ContentType.objects.get_for_model(ScopeVersion).pk
        )
        .annotate(**counts)
        .values(*counts)
        .get()
    )
    scope = ScopeVersion.objects.in_force(as_of)
    scope_systems = (
        AISystem.objects.filter(scope_versions=scope).count() if scope else 0
    )
    policy = (
        DocumentVersion.objects.filter(
            document__doc_type=DocumentType.AI_POLICY, status=VersionStatus.APPROVED
        )
        .select_related("document")
        .order_by("-approved_at")
        .first()
    )
    audience = acknowledged = 0
    if policy is not None:
        from .services import audience as audience_of

        people = audience_of(policy)
        audience = people.count()
        acknowledged = Acknowledgement.objects.filter(
            version=policy, user__in=people.values("pk")
        ).count()
    last = Subquery(
        Measurement.objects.filter(indicator=OuterRef("pk"))
        .order_by("-measured_on")
        .values("measured_on")[:1]
    )
    indicators = [
        (FREQUENCY_DAYS[frequency], measured)
        for frequency, measured in Indicator.objects.filter(closed=False)
        .annotate(last=last)
        .values_list("frequency", "last")
    ]
    declared: dict = {}
    for pk, reference, items, review, has_approved in documents.values_list(
        "pk", "reference", "documented_information", "next_review_date", "has_approved"
    ):
        for item_id in items or ():
            declared.setdefault(item_id, []).append(
                DeclaredDocument(pk, reference, has_approved, review)
            )
    gaps = 0
    if row["competence_requirements"]:
        from .services import competence_gaps

        gaps = len(competence_gaps(as_of))
    return Facts(
        counts=row,
        scope=scope,
        scope_systems=scope_systems,
        scope_draft=bool(row["scope_drafts"]),
        policy=policy,
        policy_audience=audience,
        policy_acknowledged=acknowledged,
        indicators=indicators,
        gaps=gaps,
        declared=declared,
    )


__all__ = ["Facts", "count_of", "readiness_facts"]
