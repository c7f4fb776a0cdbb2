"""Every write to the management system's own records goes through here (validated,
versioned, change-logged); named events mark the decisions an auditor asks about."""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from aims.context import attributed_to
from aims.history import change_scope, record_event
from aims.models import ReferenceCounter
from aims.permissions import can
from aims.services import object_save

from .choices import Classification, DocumentType, ScopeStatus, VersionStatus
from .models import (
    Acknowledgement,
    ContextIssue,
    Document,
    DocumentVersion,
    Indicator,
    InterestedParty,
    Measurement,
    Objective,
    OrganisationContext,
    PlannedChange,
    Publication,
    ScopeVersion,
)

REFERENCE_PREFIXES = {
    ContextIssue: "CTX",
    InterestedParty: "IP",
    Document: "DOC",
    Objective: "OBJ",
    PlannedChange: "CHG",
}
# What the scope statement says; compared between versions.
SCOPE_FIELDS = (
    "statement",
    "boundaries",
    "units_and_sites",
    "interfaces",
    "exclusions",
    "exclusion_justification",
    "next_review_date",
)


class FrozenRecord(PermissionDenied):
    """An approved scope or document version is evidence of a decision: never edited."""


def record_save(*, instance, actor, m2m=None, expected_version=None):
    """Save a governance record; a new one of a referenced type gets its next reference."""
    with attributed_to(actor), change_scope():
        prefix = REFERENCE_PREFIXES.get(type(instance))
        if prefix and not instance.reference:
            instance.reference = ReferenceCounter.next_reference(prefix)
        return object_save(
            instance=instance, actor=actor, m2m=m2m, expected_version=expected_version
        )


# Context (4.1)


def organisation_context() -> OrganisationContext:
    """The one context record, created empty the first time it is asked for."""
    found = OrganisationContext.objects.order_by("pk").first()
    if found is None:
        with attributed_to(None), change_scope():
            found = object_save(instance=OrganisationContext(), actor=None)
    return found


def organisation_context_save(*, context, actor, m2m=None, expected_version=None):
    with attributed_to(actor), change_scope():
        stored = OrganisationContext.objects.filter(pk=context.pk).first()
        object_save(
            instance=context, actor=actor, m2m=m2m, expected_version=expected_version
        )
        if context.climate_change and (
            stored is None or stored.climate_change != context.climate_change
        ):
            record_event(
                context,
                "context.climate_decided",
                f"Climate change decided {context.get_climate_change_display().lower()} "
                f"on {context.climate_change_decided_on}: {context.climate_change_rationale}",
                {"decision": context.climate_change},
            )
    return context


# Scope (4.3)


def scope_current() -> ScopeVersion | None:
    """The version people work on: the draft, else the newest approved one."""
    return (
        ScopeVersion.objects.filter(status=ScopeStatus.DRAFT).first()
        or ScopeVersion.objects.order_by("-number").first()
    )


def scope_systems(as_of=None):
    """The AI systems in scope on ``as_of`` (registry.scope provider); None until a
    scope is approved, so the register then counts every system."""
    version = ScopeVersion.objects.in_force(as_of)
    if version is None:
        return None
    from registry.models import AISystem

    return AISystem.objects.filter(scope_versions=version)


def scope_save(*, version, actor, m2m=None, expected_version=None) -> ScopeVersion:
    with attributed_to(actor), change_scope():
        if version.pk is None:
            if ScopeVersion.objects.filter(status=ScopeStatus.DRAFT).exists():
                raise ValidationError(
                    "A draft scope already exists; edit or approve it first."
                )
            base = ScopeVersion.objects.approved().order_by("-number").first()
            version.number = (
                ScopeVersion.objects.aggregate(n=Max("number"))["n"] or 0
            ) + 1
            version.based_on = base
        else:
            stored = ScopeVersion.objects.filter(pk=version.pk).first()
            if stored is not None and not stored.is_draft:
                raise FrozenRecord(
                    f"Scope version {stored.number} is approved and frozen; "
                    "start a new draft to change it."
                )
        return object_save(
            instance=version, actor=actor, m2m=m2m, expected_version=expected_version
        )


def scope_new_draft(*, actor, summary: str = "") -> ScopeVersion:
    """The next draft, starting from the newest approved version's text and systems."""
    base = ScopeVersion.objects.approved().order_by("-number").first()
    draft = ScopeVersion(summary_of_changes=summary)
    systems = []
    if base is not None:
        for name in SCOPE_FIELDS:
            setattr(draft, name, getattr(base, name))
        systems = list(base.ai_systems.all())
    return scope_save(version=draft, actor=actor, m2m={"ai_systems": systems})


def scope_approve(*, version, actor, comment: str) -> ScopeVersion:
    """The committee approves the draft: it is frozen; the one before is superseded."""
    if not actor.has_perm("governance.approve_scopeversion"):
        raise PermissionDenied("Only the governance committee approves the scope.")
    if not comment.strip():
        raise ValidationError({"comment": "Say what the approval covers."})
    with transaction.atomic(), attributed_to(actor), change_scope():
        version = ScopeVersion.objects.select_for_update().get(pk=version.pk)
        if not version.is_draft:
            raise FrozenRecord(f"Scope version {version.number} is already approved.")
        for previous in ScopeVersion.objects.approved():
            previous.status = ScopeStatus.SUPERSEDED
            object_save(instance=previous, actor=actor)
        version.status = ScopeStatus.APPROVED
        version.approved_by = actor
        version.approved_at = timezone.now()
        version.approval_comment = comment.strip()
        object_save(instance=version, actor=actor)
        systems = version.ai_systems.count()
        record_event(
            version,
            "scope.approved",
            f"Scope version {version.number} approved by {actor} "
            f"({systems} AI systems in scope): {comment.strip()}",
            {"version": version.number, "ai_systems": systems},
        )
    return version


def scope_compare(left: ScopeVersion, right: ScopeVersion) -> dict:
    """The fields that differ, and the AI systems added to and removed from the scope."""
    fields = []
    for name in SCOPE_FIELDS:
        before, after = getattr(left, name), getattr(right, name)
        if before != after:
            label = str(ScopeVersion._meta.get_field(name).verbose_name)
            fields.append(
                {
                    "field": name,
                    "label": label[0].upper() + label[1:],
                    "before": before,
                    "after": after,
                    "lines": line_diff(str(before or ""), str(after or "")),
                }
            )
    old = {s.pk: s for s in left.ai_systems.all()}
    new = {s.pk: s for s in right.ai_systems.all()}
    return {
        "fields": fields,
        "added": [new[pk] for pk in new.keys() - old.keys()],
        "removed": [old[pk] for pk in old.keys() - new.keys()],
    }


def line_diff(before: str, after: str) -> list[tuple[str, str]]:
    """(marker, line) pairs: ' ' unchanged, '-' removed, '+' added."""
    import difflib

    result = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        marker = line[:1]
        if marker in (" ", "-", "+"):
            result.append((marker, line[2:]))
    return result


# Documents (5.2, 7.5)


def document_save(*, document, actor, m2m=None, expected_version=None) -> Document:
    return record_save(
        instance=document, actor=actor, m2m=m2m, expected_version=expected_version
    )


def _version_evidence(version: DocumentVersion, upload, actor):
    """The evidence item holding this version, with ``upload`` as its file."""
    from controls.models import Evidence
    from controls.services import evidence_add_file, evidence_save

    document = version.document
    if version.evidence_id is not None:
        evidence_add_file(evidence=version.evidence, upload=upload, actor=actor)
        return version.evidence
    return evidence_save(
        evidence=Evidence(
            title=f"{document.reference} {document.title} v{version.number}"[:200],
            description=f"Version {version.number} of the controlled document "
            f"{document.reference} (document register).",
            owner=document.owner,
            restricted=document.classification
            in (Classification.CONFIDENTIAL, Classification.RESTRICTED),
        ),
        actor=actor,
        upload=upload,
    )


def document_version_save(
    *, version, actor, upload=None, expected_version=None
) -> DocumentVersion:
    """Add a version (the next number, written by ``actor``) or edit a draft one.

    The text is Markdown; a file goes into the evidence store (size, type and name checks,
    SHA-256). Approved, superseded and withdrawn versions are frozen.
    """
    with transaction.atomic(), attributed_to(actor), change_scope():
        if version.pk is None:
            Document.objects.select_for_update().filter(pk=version.document_id).first()
            version.number = (
                version.document.versions.aggregate(n=Max("number"))["n"] or 0
            ) + 1
            version.author = actor
        else:
            stored = DocumentVersion.objects.filter(pk=version.pk).first()
            if stored is not None and not stored.is_editable:
                raise FrozenRecord(
                    f"{stored} is {stored.get_status_display().lower()} and frozen; "
                    "add a new version to change the document."
                )
        if not version.text.strip() and upload is None and version.evidence_id is None:
            raise ValidationError(
                {"text": "Write the text of the version or upload its file."}
            )
        object_save(instance=version, actor=actor, expected_version=expected_version)
        if upload is not None:
            evidence = _version_evidence(version, upload, actor)
            if version.evidence_id != evidence.pk:
                version.evidence = evidence
                object_save(instance=version, actor=actor)
    return version


def document_version_submit(*, version, actor) -> DocumentVersion:
    """A draft goes to review: its author asks someone else to approve it."""
    with attributed_to(actor), change_scope():
        if version.status != VersionStatus.DRAFT:
            raise ValidationError("Only a draft is submitted for review.")
        version.status = VersionStatus.IN_REVIEW
        object_save(instance=version, actor=actor)
        record_event(
            version.document,
            "document.submitted",
            f"{version} submitted for approval by {actor}.",
            {"version": version.number},
        )
    return version


def may_approve(user, version: DocumentVersion) -> bool:
    if version.document.doc_type == DocumentType.AI_POLICY:
        return user.has_perm("governance.approve_ai_policy")
    return user.has_perm("governance.approve_document")


def document_version_approve(*, version, actor, comment: str = "") -> DocumentVersion:
    """Approve a version (four eyes: never its author). The AI policy needs top
    management (the committee). The version before is superseded; the approved one
    becomes evidence for the document's controls."""
    if not may_approve(actor, version):
        raise PermissionDenied(
            "Only the governance committee approves the AI policy."
            if version.document.doc_type == DocumentType.AI_POLICY
            else "You may not approve document versions."
        )
    if version.author_id == actor.pk:
        raise PermissionDenied(
            "You wrote this version: someone else must approve it (four eyes)."
        )
    with transaction.atomic(), attributed_to(actor), change_scope():
        version = (
            DocumentVersion.objects.select_for_update(of=("self",))
            .select_related("document", "evidence")
            .get(pk=version.pk)
        )
        if not version.is_editable:
            raise FrozenRecord(
                f"{version} is already {version.get_status_display().lower()}."
            )
        today = timezone.localdate()
        document = version.document
        for previous in document.versions.filter(status=VersionStatus.APPROVED):
            previous.status = VersionStatus.SUPERSEDED
            object_save(instance=previous, actor=actor)
            if previous.evidence_id:
                _expire_evidence(previous.evidence, today, actor)
        version.status = VersionStatus.APPROVED
        version.approver = actor
        version.approved_at = timezone.now()
        version.approval_comment = comment.strip()
        version.effective_date = version.effective_date or today
        if version.evidence_id is None:
            text = f"# {document.reference} {document.title}, version {version.number}\n\n{version.text}"
            version.evidence = _version_evidence(
                version,
                ContentFile(
                    text.encode(), name=f"{document.reference}-v{version.number}.md"
                ),
                actor,
            )
        object_save(instance=version, actor=actor)
        _link_evidence(version.evidence, list(document.controls.all()), actor)
        document.next_review_date = _add_months(
            version.effective_date, document.review_interval_months
        )
        object_save(instance=document, actor=actor)
        record_event(
            document,
            "document.version_approved",
            f"{version} approved by {actor}, effective {version.effective_date}"
            + (f": {comment.strip()}" if comment.strip() else "."),
            {"version": version.number, "approver": actor.pk},
        )
    return version


def _expire_evidence(evidence, today, actor):
    from controls.services import evidence_save

    if evidence.valid_until is None or evidence.valid_until > today:
        evidence.valid_until = max(today, evidence.collected_on)
        evidence_save(evidence=evidence, actor=actor)


def _link_evidence(evidence, controls, actor):
    from controls.services import evidence_save

    current = set(evidence.controls.values_list("pk", flat=True))
    wanted = current | {c.pk for c in controls}
    if wanted != current:
        evidence_save(evidence=evidence, actor=actor, m2m={"controls": list(wanted)})


def document_version_withdraw(*, version, actor, reason: str) -> DocumentVersion:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the version is withdrawn."})
    if not may_approve(actor, version):
        raise PermissionDenied("You may not withdraw this document version.")
    with transaction.atomic(), attributed_to(actor), change_scope():
        if version.status not in (VersionStatus.APPROVED, *_EDITABLE):
            raise ValidationError(f"{version} is already {version.status}.")
        version.status = VersionStatus.WITHDRAWN
        object_save(instance=version, actor=actor)
        if version.evidence_id:
            _expire_evidence(version.evidence, timezone.localdate(), actor)
        record_event(
            version.document,
            "document.version_withdrawn",
            f"{version} withdrawn by {actor}: {reason.strip()}",
            {"version": version.number},
        )
    return version


_EDITABLE = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def document_publish(
    *, version, actor, groups, message: str = "", acknowledge_by=None
) -> Publication:
    """Publish an approved version to groups of people: each is asked to acknowledge it."""
    if not can(actor, "add", Publication):
        raise PermissionDenied("You may not publish documents.")
    if not version.is_published:
        raise ValidationError("Only an approved version is published.")
    groups = list(groups)
    if not groups:
        raise ValidationError({"groups": "Choose who the version is published to."})
    with attributed_to(actor), change_scope():
        publication = object_save(
            instance=Publication(
                version=version,
                published_by=actor,
                message=message,
                acknowledge_by=acknowledge_by,
            ),
            actor=actor,
            m2m={"groups": groups},
        )
        record_event(
            version.document,
            "document.published",
            f"{version} published to {', '.join(g.name for g in groups)} by {actor}.",
            {"version": version.number, "groups": [g.name for g in groups]},
        )
    return publication


def audience(version):
    """Active people a version is published to (through their groups)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__in=Publication.groups.through.objects.filter(
                publication__version=version
            ).values("group_id"),
        )
        .distinct()
    )


def to_acknowledge(user):
    """The approved versions published to ``user`` that they have not acknowledged."""
    return (
        DocumentVersion.objects.filter(
            status=VersionStatus.APPROVED,
            publications__groups__in=user.groups.all(),
        )
        .exclude(acknowledgements__user=user)
        .select_related("document")
        .distinct()
    )


def acknowledge(*, version, user) -> Acknowledgement:
    """``user`` confirms they read the version; a second confirmation changes nothing."""
    if not version.is_published:
        raise ValidationError("Only the approved version is acknowledged.")
    if not audience(version).filter(pk=user.pk).exists():
        raise PermissionDenied("This version was not published to you.")
    existing = Acknowledgement.objects.filter(version=version, user=user).first()
    if existing is not None:
        return existing
    with attributed_to(user), change_scope():
        return object_save(
            instance=Acknowledgement(version=version, user=user), actor=user
        )


@dataclass
class AcknowledgementStatus:
    acknowledged: list
    missing: list

    @property
    def total(self) -> int:
        return len(self.acknowledged) + len(self.missing)

    @property
    def percent(self) -> int:
        return round(100 * len(self.acknowledged) / self.total) if self.total else 0


def acknowledgement_status(version) -> AcknowledgementStatus:
    people = list(audience(version).order_by("username"))
    done = dict(
        Acknowledgement.objects.filter(version=version).values_list(
            "user_id", "acknowledged_at"
        )
    )
    return AcknowledgementStatus(
        acknowledged=[(p, done[p.pk]) for p in people if p.pk in done],
        missing=[p for p in people if p.pk not in done],
    )


# Objectives and measurements (6.2, 9.1)


def may_record_measurement(user, indicator: Indicator) -> bool:
    """Whoever may add measurements, and the owner of the indicator's objective."""
    return can(user, "add", Measurement) or (
        user.is_authenticated and indicator.objective.owner_id == user.pk
    )


def measurement_save(*, measurement, actor, expected_version=None) -> Measurement:
    indicator = measurement.indicator
    if not may_record_measurement(actor, indicator):
        raise PermissionDenied("You may not record measurements of this indicator.")
    return object_save(
        instance=measurement, actor=actor, expected_version=expected_version
    )


@dataclass
class ImportError_:
    line: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


MEASUREMENT_COLUMNS = ("indicator", "date", "value", "period", "note")


def measurements_import(*, data: bytes, actor) -> ImportResult:
    """Import measurements from CSV (columns: indicator id, date, value, period, note):
    every row is saved or none is; each bad row is reported by line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ImportResult(errors=[ImportError_(1, "", "The file is not UTF-8 text.")])
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("indicator", "date", "value") if c not in header]
    if missing:
        return ImportResult(
            errors=[ImportError_(1, ", ".join(missing), "Missing column.")]
        )
    reader.fieldnames = header
    result = ImportResult()
    rows = []
    indicators = {}
    for line, row in enumerate(reader, start=2):
        raw_id = (row.get("indicator") or "").strip()
        indicator = indicators.get(raw_id)
        if indicator is None and raw_id.isdigit():
            indicator = (
                Indicator.objects.select_related("objective")
                .filter(pk=int(raw_id))
                .first()
            )
            indicators[raw_id] = indicator
        if indicator is None:
            result.errors.append(ImportError_(line, "indicator", "No such indicator."))
            continue
        if not may_record_measurement(actor, indicator):
            result.errors.append(
                ImportError_(line, "indicator", "You may not measure this indicator.")
            )
            continue
        try:
            measured_on = datetime.date.fromisoformat((row.get("date") or "").strip())
        except ValueError:
            result.errors.append(ImportError_(line, "date", "Use YYYY-MM-DD."))
            continue
        try:
            value = Decimal((row.get("value") or "").strip())
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            result.errors.append(ImportError_(line, "value", "Not a number."))
            continue
        measurement = Measurement(
            indicator=indicator,
            value=value,
            measured_on=measured_on,
            period=(row.get("period") or "").strip()[:50],
            note=(row.get("note") or "").strip(),
        )
        try:
            measurement.full_clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = {"measured_on": "date"}.get(name, name)
                for message in messages:
                    result.errors.append(ImportError_(line, column, message))
            continue
        rows.append(measurement)
    if result.errors:
        return result
    if not rows:
        return ImportResult(errors=[ImportError_(2, "", "The file has no rows.")])
    with transaction.atomic(), attributed_to(actor), change_scope():
        for measurement in rows:
            result.created.append(object_save(instance=measurement, actor=actor))
    return result


def latest_measurements(indicators) -> dict:
    """The newest measurement of each indicator, in two queries whatever their number."""
    from django.db.models import OuterRef, Subquery

    ids = [i.pk for i in indicators]
    if not ids:
        return {}
    newest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by(
        "-measured_on", "-pk"
    )
    latest_ids = (
        Indicator.objects.filter(pk__in=ids)
        .annotate(latest=Subquery(newest.values("pk")[:1]))
        .values_list("latest", flat=True)
    )
    return {
        m.indicator_id: m
        for m in Measurement.objects.filter(pk__in=[pk for pk in latest_ids if pk])
    }


# Competence (7.2, A.4.6, EU AI Act Art. 4)


@dataclass(frozen=True)
class CompetenceGap:
    requirement: object
    person: object
    # "missing" or "expired"; ``since`` is the stable date the gap falls due.
    reason: str
    since: datetime.date

    @property
    def label(self) -> str:
        if self.reason == "expired":
            return f"expired on {self.since}"
        return "no record"


def record_expiry(record, requirement) -> datetime.date | None:
    if record.expires_on:
        return record.expires_on
    if requirement is not None and requirement.validity_months:
        return _add_months(record.completed_on, requirement.validity_months)
    return None


def people_for_requirements(requirements, today) -> dict:
    """Requirement id -> {person: date from which the requirement applies to them}."""
    from registry.choices import LifecycleStage
    from registry.models import AISystem

    from .choices import AppliesTo
    from .models import RoleAssignment

    User = get_user_model()
    requirements = list(requirements)
    people: dict = {r.pk: {} for r in requirements}
    role_ids = {
        r.aims_role_id for r in requirements if r.applies_to == AppliesTo.AIMS_ROLE
    }
    by_role: dict = {}
    if role_ids:
        for assignment in (
            RoleAssignment.objects.current(today)
            .filter(role_id__in=role_ids, person__is_active=True)
            .select_related("person")
        ):
            by_role.setdefault(assignment.role_id, {})[assignment.person] = (
                assignment.since
            )
    owners = {}
    if any(r.applies_to == AppliesTo.AI_SYSTEM_OWNERS for r in requirements):
        for system in (
            AISystem.objects.exclude(lifecycle_stage=LifecycleStage.RETIRED)
            .filter(owner__is_active=True)
            .select_related("owner")
            .order_by("created")
        ):
            owners.setdefault(system.owner, system.created.date())
    from .competence import system_role_holders

    holders = system_role_holders(
        [r for r in requirements if r.applies_to == AppliesTo.AI_SYSTEM_ROLE], today
    )
    group_ids = {
        r.portal_role_id for r in requirements if r.applies_to == AppliesTo.PORTAL_ROLE
    }
    by_group: dict = {}
    if group_ids:
        through = User.groups.through
        members = through.objects.filter(
            group_id__in=group_ids, user__is_active=True
        ).select_related("user")
        for row in members:
            by_group.setdefault(row.group_id, {})[row.user] = (
                row.user.date_joined.date()
            )
    for requirement in requirements:
        if requirement.applies_to == AppliesTo.AIMS_ROLE:
            found = by_role.get(requirement.aims_role_id, {})
        elif requirement.applies_to == AppliesTo.AI_SYSTEM_OWNERS:
            found = owners
        elif requirement.applies_to == AppliesTo.AI_SYSTEM_ROLE:
            found = {}
            for (role, system_id), held in holders.items():
                if role != requirement.system_role or requirement.ai_system_id not in (
                    None,
                    system_id,
                ):
                    continue
                for person, since in held.items():
                    found[person] = min(found.get(person, since), since)
        else:
            found = by_group.get(requirement.portal_role_id, {})
        people[requirement.pk] = {
            person: max(since, requirement.created.date())
            for person, since in found.items()
        }
    return people


def competence_gaps(today=None, requirements=None) -> list[CompetenceGap]:
    """Each person a requirement applies to who has no valid record meeting it: a fixed
    number of queries whatever the number of people."""
    from .models import CompetenceRequirement, TrainingRecord

    today = today or timezone.localdate()
    requirements = list(
        requirements
        if requirements is not None
        else CompetenceRequirement.objects.all()
    )
    people = people_for_requirements(requirements, today)
    by_key: dict = {}
    for record in TrainingRecord.objects.filter(requirement__in=requirements):
        by_key.setdefault((record.requirement_id, record.person_id), []).append(record)
    gaps = []
    for requirement in requirements:
        for person, since in sorted(
            people[requirement.pk].items(), key=lambda item: item[0].username
        ):
            records = by_key.get((requirement.pk, person.pk), [])
            expiries = [record_expiry(r, requirement) for r in records]
            if any(e is None or e >= today for e in expiries):
                continue
            if records:
                gaps.append(
                    CompetenceGap(requirement, person, "expired", max(expiries))
                )
            else:
                gaps.append(CompetenceGap(requirement, person, "missing", since))
    return gaps


def ai_literacy_status(today=None) -> dict:
    """How many of the people AI-literacy requirements apply to are trained."""
    from .models import CompetenceRequirement

    requirements = list(CompetenceRequirement.objects.filter(ai_literacy=True))
    people = people_for_requirements(requirements, today or timezone.localdate())
    staff = {person for found in people.values() for person in found}
    gaps = {gap.person for gap in competence_gaps(today, requirements)}
    return {
        "staff": len(staff),
        "trained": len(staff - gaps),
        "requirements": len(requirements),
    }


def training_record_save(*, record, actor, upload=None, expected_version=None):
    """Save a training record; an uploaded certificate goes into the evidence store."""
    with transaction.atomic(), attributed_to(actor), change_scope():
        if upload is not None:
            from controls.models import Evidence
            from controls.services import evidence_save

            record.certificate = evidence_save(
                evidence=Evidence(
                    title=f"Certificate: {record.title} ({record.person})"[:200],
                    owner=actor,
                    collected_on=record.completed_on or timezone.localdate(),
                    restricted=True,
                ),
                actor=actor,
                upload=upload,
            )
        return object_save(
            instance=record, actor=actor, expected_version=expected_version
        )


def communication_record_save(*, record, actor, expected_version=None):
    """Record that a planned communication happened; the plan's next date moves on when
    the record is newer than it."""
    with transaction.atomic(), attributed_to(actor), change_scope():
        object_save(instance=record, actor=actor, expected_version=expected_version)
        item = record.item
        if item.next_due and record.happened_on >= item.next_due - datetime.timedelta(
            days=30
        ):
            record_event(
                item,
                "communication.done",
                f"{item.topic} communicated to {item.audience} on {record.happened_on}.",
                {"record": record.pk},
            )
    return record
