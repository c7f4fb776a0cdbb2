"""AI incidents (ISO/IEC 42001 A.8.4) and their EU AI Act Art. 73 reporting deadline."""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from aims.models import AimsModel
from aims.permissions import can
from aims.reversing import reverse
from registry.models import AISystem

from ..choices import AuthorityReportType, IncidentStatus, Severity, TimelineKind
from ..deadlines import applicable_rule, reporting_deadline, serious_incident_limbs

REFERENCE_PREFIX = "INC"
# Clocks drift and forms take a while: "in the future" means more than this ahead.
CLOCK_TOLERANCE = datetime.timedelta(minutes=5)


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class IncidentQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=IncidentStatus.CLOSED)

    def awaiting_authority_report(self):
        """Serious incidents still open whose report has not been sent."""
        return self.open().filter(
            is_serious=True, reported_to_authority_at__isnull=True
        )


class Incident(AimsModel):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    ai_system = models.ForeignKey(
        AISystem,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name="AI system",
    )
    title = models.CharField(max_length=200)
    description = models.TextField("what happened")
    occurred_at = models.DateTimeField(
        "occurred at", help_text="When the incident happened (or began)."
    )
    detected_at = models.DateTimeField(
        "detected at",
        null=True,
        blank=True,
        help_text="When it was first noticed, by anyone or by monitoring.",
    )
    aware_at = models.DateTimeField(
        "organisation aware at",
        help_text="When the organisation became aware: the Art. 73 clock starts here.",
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        help_text="The times above are given in this zone; deadlines count its days.",
    )
    affected_persons = models.TextField(
        "affected persons", blank=True, help_text="Who was affected, and how many."
    )
    harm = models.TextField("harm", blank=True)
    severity = models.CharField(
        max_length=10, choices=Severity, default=Severity.MEDIUM
    )
    status = models.CharField(
        max_length=12,
        choices=IncidentStatus,
        default=IncidentStatus.REPORTED,
        editable=False,
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_incidents",
        help_text="Who handles the incident to its closure.",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="reported_incidents",
    )
    risks = models.ManyToManyField(
        "risk.Risk", blank=True, related_name="incidents", verbose_name="linked risks"
    )
    # Triage: the serious-incident determination (EU AI Act Art. 3(49)).
    is_serious = models.BooleanField("serious incident", default=False)
    serious_limbs = models.JSONField(
        "Art. 3(49) limbs met",
        default=list,
        blank=True,
        help_text="The refs of the serious-incident definition the incident meets.",
    )
    involves_death = models.BooleanField("death of a person", default=False)
    widespread_infringement = models.BooleanField(
        "widespread infringement (Art. 3(61))", default=False
    )
    triage_rationale = models.TextField("triage rationale", blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True, editable=False)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # Computed in clean() from the reference data, so no path saves a serious incident
    # without its deadline.
    deadline_rule = models.CharField(
        "deadline rule", max_length=20, blank=True, editable=False
    )
    report_deadline = models.DateTimeField(
        "report due by", null=True, blank=True, editable=False
    )
    reported_to_authority_at = models.DateTimeField(
        "first report sent", null=True, blank=True, editable=False
    )
    # Investigation and closure.
    root_cause = models.TextField("root cause", blank=True)
    corrective_actions = models.TextField("corrective actions", blank=True)
    closure_summary = models.TextField("closure summary", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = IncidentQuerySet.as_manager()

    # Whoever may see (change) the AI system sees (handles) its incidents.
    inherit_permissions = {
        "view": ("ai_system", "view"),
        "change": ("ai_system", "change"),
    }

    class Meta:
        ordering = ["-aware_at", "-pk"]
        permissions = [
            ("own_incident", "Can handle incidents"),
            ("triage_incident", "Can triage and close incidents"),
        ]
        indexes = [
            models.Index(fields=["status", "report_deadline"], name="incident_due_idx"),
            models.Index(fields=["ai_system", "aware_at"], name="incident_system_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}" if self.reference else self.title

    def get_absolute_url(self):
        return reverse("incidents:incident_detail", args=[self.pk])

    def change_log_parent(self):
        return self.ai_system

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def clean(self):
        errors = {}
        now = timezone.now() + CLOCK_TOLERANCE
        if self.time_zone not in zoneinfo.available_timezones():
            errors["time_zone"] = (
                "Choose a time zone from the list, e.g. Europe/Berlin."
            )
        for name in ("occurred_at", "detected_at", "aware_at"):
            value = getattr(self, name)
            if value is not None and value > now:
                errors[name] = "This time is in the future."
        if self.occurred_at and self.aware_at and self.aware_at < self.occurred_at:
            errors["aware_at"] = (
                "The organisation cannot have become aware of the incident before it "
                "occurred."
            )
        if (
            self.occurred_at
            and self.detected_at
            and self.detected_at < self.occurred_at
        ):
            errors["detected_at"] = (
                "The incident cannot be detected before it occurred."
            )
        known_limbs = {ref for ref, _ in serious_incident_limbs()}
        if (
            not isinstance(self.serious_limbs, list)
            or set(self.serious_limbs) - known_limbs
        ):
            errors["serious_limbs"] = "Choose from: " + ", ".join(sorted(known_limbs))
        elif self.is_serious and not self.serious_limbs:
            errors["serious_limbs"] = (
                "A serious incident meets at least one limb of Art. 3(49); name it."
            )
        if not self.is_serious and (
            self.involves_death or self.widespread_infringement
        ):
            errors["is_serious"] = (
                "An incident involving a death or a widespread infringement is serious."
            )
        if self.handler_id is not None and not can(self.handler, "own", Incident):
            errors["handler"] = f"{self.handler} has no role that may handle incidents."
        if errors:
            raise ValidationError(errors)
        self._compute_deadline()

    def _compute_deadline(self) -> None:
        rule = applicable_rule(self)
        if rule is None:
            self.deadline_rule, self.report_deadline = "", None
            return
        self.deadline_rule = rule.ref
        self.report_deadline = reporting_deadline(
            self.aware_at, rule.max_days, self.time_zone
        )

    # How the deadline stands, for pages, the API and packs.

    @property
    def deadline_state(self) -> str:
        """ "" (no deadline), "pending", "overdue", "met" or "missed"."""
        if self.report_deadline is None:
            return ""
        if self.reported_to_authority_at is not None:
            return (
                "met"
                if self.reported_to_authority_at <= self.report_deadline
                else "missed"
            )
        return "overdue" if timezone.now() > self.report_deadline else "pending"

    def time_left(
        self, now: datetime.datetime | None = None
    ) -> datetime.timedelta | None:
        if self.report_deadline is None or self.reported_to_authority_at is not None:
            return None
        return self.report_deadline - (now or timezone.now())

    def local(self, value: datetime.datetime | None):
        return value.astimezone(self.zone) if value else None

    def limb_labels(self) -> list[str]:
        titles = dict(serious_incident_limbs())
        return [f"{ref} {titles.get(ref, '')}".strip() for ref in self.serious_limbs]


class TimelineEntry(AimsModel):
    """What happened when: containment steps, reports to the authority, communications."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="timeline"
    )
    at = models.DateTimeField("when")
    kind = models.CharField(
        max_length=30, choices=TimelineKind, default=TimelineKind.NOTE
    )
    summary = models.TextField()
    authority = models.CharField(
        max_length=200,
        blank=True,
        help_text="The market surveillance authority the report went to.",
    )
    external_reference = models.CharField(
        "authority's reference", max_length=100, blank=True
    )
    report_type = models.CharField(
        max_length=10, choices=AuthorityReportType, blank=True
    )

    inherit_permissions = {
        "view": ("incident", "view"),
        "change": ("incident", "change"),
        "delete": ("incident", "change"),
    }

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "timeline entry"
        verbose_name_plural = "timeline entries"
        indexes = [
            models.Index(fields=["incident", "at"], name="timeline_incident_idx")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary[:60]}"

    def get_absolute_url(self):
        return (
            reverse("incidents:incident_detail", args=[self.incident_id]) + "#timeline"
        )

    def change_log_parent(self):
        return self.incident

    def clean(self):
        errors = {}
        if self.at and self.at > timezone.now() + CLOCK_TOLERANCE:
            errors["at"] = "This time is in the future."
        incident = self.incident if self.incident_id else None
        if incident is not None and self.at and self.at < incident.occurred_at:
            errors["at"] = "The timeline starts when the incident occurred."
        if self.kind == TimelineKind.AUTHORITY_REPORT:
            if not self.authority.strip():
                errors["authority"] = "Name the authority the report was sent to."
            if not self.report_type:
                errors["report_type"] = (
                    "Say whether this is the initial or the complete report."
                )
            if incident is not None and not incident.is_serious:
                errors["kind"] = (
                    "Only a serious incident is reported to the authority; triage it first."
                )
        elif self.report_type or self.external_reference:
            errors["report_type"] = (
                "Only a report to the authority has a type and reference."
            )
        if errors:
            raise ValidationError(errors)
