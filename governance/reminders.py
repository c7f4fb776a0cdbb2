"""What falls due in the management system (``aims.reminders``): document reviews,
missing acknowledgements, missing measurements, competence gaps and expiring training,
planned communications, context reviews and objective due dates."""

import datetime

from django.db.models import OuterRef, Subquery

from aims.reminders import DueItem, DueSource, register


def _acknowledgements_due(until: datetime.date):
    from .choices import VersionStatus
    from .models import Acknowledgement, Publication

    publications = (
        Publication.objects.filter(
            acknowledge_by__isnull=False,
            acknowledge_by__lte=until,
            version__status=VersionStatus.APPROVED,
        )
        .select_related("version__document")
        .prefetch_related("groups__user_set")
    )
    publications = list(publications)
    done = set(
        Acknowledgement.objects.filter(
            version__in={p.version_id for p in publications}
        ).values_list("version_id", "user_id")
    )
    seen = set()
    for publication in publications:
        for group in publication.groups.all():
            for person in group.user_set.all():
                key = (publication.version_id, person.pk)
                if not person.is_active or key in done or key in seen:
                    continue
                seen.add(key)
                yield DueItem(
                    obj=publication.version,
                    due_date=publication.acknowledge_by,
                    responsible=(person,),
                    title=f"Read and acknowledge {publication.version.document.title} "
                    f"v{publication.version.number}",
                    url=publication.version_read_url(),
                )


def overdue_indicators(today: datetime.date, until: datetime.date | None = None):
    """(indicator, next due date) of every scheduled indicator whose next measurement
    is due on or before ``until`` (default: today), overdue first; two queries."""
    from .choices import ObjectiveStatus
    from .models import Indicator, Measurement
    from .schedule import next_due

    until = until or today
    indicators = (
        Indicator.objects.filter(closed=False, objective__status=ObjectiveStatus.ACTIVE)
        .select_related("objective__owner")
        .annotate(
            last_measured=Subquery(
                Measurement.objects.filter(indicator=OuterRef("pk"))
                .order_by("-measured_on")
                .values("measured_on")[:1]
            ),
            first_measured=Subquery(
                Measurement.objects.filter(indicator=OuterRef("pk"))
                .order_by("measured_on")
                .values("measured_on")[:1]
            ),
        )
    )
    found = []
    for indicator in indicators:
        due = next_due(indicator, indicator.last_measured, indicator.first_measured)
        if due is not None and due <= until:
            found.append((indicator, due))
    return sorted(found, key=lambda pair: (pair[1], pair[0].pk))


def _measurements_due(until: datetime.date):
    """The next measurement of each indicator, from its schedule: the due date stays
    put until someone measures, so the ladder escalates an overdue one."""
    from django.utils import timezone

    for indicator, due in overdue_indicators(timezone.localdate(), until):
        yield DueItem(
            obj=indicator,
            due_date=due,
            responsible=(indicator.objective.owner,),
            title=f"Measure {indicator} (due {due:%Y-%m-%d})",
            url=indicator.objective.get_absolute_url(),
        )


def _competence_due(until: datetime.date):
    from django.utils import timezone

    from .models import CompetenceRequirement, TrainingRecord
    from .services import competence_gaps, record_expiry

    today = timezone.localdate()
    for gap in competence_gaps(today):
        yield DueItem(
            obj=gap.requirement,
            due_date=gap.since,
            responsible=(gap.person,),
            title=f"Competence: {gap.requirement} ({gap.label})",
            url=gap.requirement.get_absolute_url(),
        )
    requirements = {r.pk: r for r in CompetenceRequirement.objects.all()}
    for record in TrainingRecord.objects.select_related("person"):
        expiry = record_expiry(record, requirements.get(record.requirement_id))
        if expiry is not None and today <= expiry <= until:
            yield DueItem(
                obj=record,
                due_date=expiry,
                responsible=(record.person,),
                title=f"Renew {record.title}",
                url=record.get_absolute_url(),
            )


def register_sources() -> None:
    from .choices import ObjectiveStatus, RecordStatus
    from .models import (
        CommunicationItem,
        ContextIssue,
        Document,
        InterestedParty,
        Objective,
    )

    register(
        DueSource.from_queryset(
            "governance.document_review",
            "Document review",
            queryset=lambda: Document.objects.select_related("owner"),
            date_field="next_review_date",
            responsible="owner",
            title=lambda d: f"Review {d}",
        )
    )
    register(
        DueSource(
            "governance.acknowledgement",
            "Document acknowledgement",
            _acknowledgements_due,
        )
    )
    register(
        DueSource("governance.measurement", "Indicator measurement", _measurements_due)
    )
    register(
        DueSource("governance.competence", "Competence and training", _competence_due)
    )
    register(
        DueSource.from_queryset(
            "governance.communication",
            "Planned communication",
            queryset=lambda: CommunicationItem.objects.select_related("communicator"),
            date_field="next_due",
            responsible="communicator",
            title=lambda item: f"Communicate: {item}",
        )
    )
    register(
        DueSource.from_queryset(
            "governance.context_review",
            "Context issue review",
            queryset=lambda: ContextIssue.objects.filter(
                status=RecordStatus.OPEN
            ).select_related("owner"),
            date_field="review_date",
            responsible="owner",
            title=lambda issue: f"Review {issue}",
        )
    )
    register(
        DueSource.from_queryset(
            "governance.party_review",
            "Interested party review",
            queryset=lambda: InterestedParty.objects.filter(
                status=RecordStatus.OPEN
            ).select_related("owner"),
            date_field="review_date",
            responsible="owner",
            title=lambda party: f"Review {party}",
        )
    )
    register(
        DueSource.from_queryset(
            "governance.objective_due",
            "AI objective due",
            queryset=lambda: Objective.objects.filter(
                status=ObjectiveStatus.ACTIVE
            ).select_related("owner"),
            date_field="due_date",
            responsible="owner",
            title=lambda objective: f"Objective due: {objective}",
        )
    )
