"""Writes to the control library, the Statement of Applicability and the evidence store."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from aims.context import attributed_to
from aims.history import change_scope, record_event
from aims.models import ReferenceCounter
from aims.permissions import can, move_ownership, perm_name, visible_to
from aims.services import object_save

from .choices import ControlSource, EvidenceKind, SoAStatus
from .models import (
    Control,
    ControlCheck,
    Evidence,
    EvidenceFile,
    SoAEntry,
    SoAVersion,
)
from .models.evidence import REFERENCE_PREFIX
from .uploads import inspect_upload

__all__ = [
    "FrozenVersion",
    "control_check_save",
    "control_save",
    "evidence_add_file",
    "evidence_save",
    "soa_approve",
    "soa_compare",
    "soa_current",
    "soa_entry_save",
    "soa_new_draft",
]

# Fields of an entry that the SoA document shows; compared between versions.
ENTRY_FIELDS = (
    "applicable",
    "justification",
    "implementation_status",
    "owner",
    "implementation_description",
    "target_date",
    "test_frequency_days",
)


class FrozenVersion(PermissionDenied):
    """An approved SoA version is evidence of a decision: it is never edited."""


# The library


def control_save(*, control: Control, actor, expected_version=None) -> Control:
    """Add or edit an organisation-specific control; Annex A controls come from the reference."""
    with attributed_to(actor), change_scope():
        if control.pk is None:
            control.source = ControlSource.CUSTOM
            control.control_id = (control.control_id or "").strip().upper()
            control.position = (
                Control.objects.aggregate(last=Max("position"))["last"] or 0
            ) + 1
        elif not control.is_custom:
            raise PermissionDenied(
                "Annex A controls come from the reference library and are not edited."
            )
        creating = control.pk is None
        object_save(instance=control, actor=actor, expected_version=expected_version)
        draft = SoAVersion.objects.filter(status=SoAStatus.DRAFT).first()
        if creating and draft is not None:
            object_save(instance=SoAEntry(soa=draft, control=control), actor=actor)
    return control


# The Statement of Applicability


def soa_current() -> SoAVersion:
    """The version people work on: the draft, else the newest approved one.

    A portal without any version gets draft 1 with one row per control.
    """
    version = (
        SoAVersion.objects.filter(status=SoAStatus.DRAFT).first()
        or SoAVersion.objects.order_by("-number").first()
    )
    if version is not None:
        return version
    with transaction.atomic(), attributed_to(None), change_scope():
        version = object_save(instance=SoAVersion(number=1), actor=None)
        for control in Control.objects.all():
            object_save(instance=SoAEntry(soa=version, control=control), actor=None)
    return version


def soa_entry_save(*, entry: SoAEntry, actor, expected_version=None) -> SoAEntry:
    """Save a row of the draft. The control owner gets view/change on their rows."""
    with attributed_to(actor), change_scope():
        stored = (
            SoAEntry.objects.select_related("soa", "owner").filter(pk=entry.pk).first()
        )
        if stored is None:
            raise ValidationError("This SoA row no longer exists.")
        if not stored.soa.is_draft:
            raise FrozenVersion(
                f"SoA version {stored.soa.number} is approved and frozen; "
                "start a new draft to change it."
            )
        if entry.applicable is None:
            raise ValidationError(
                {"applicable": "Decide whether the control is applicable."}
            )
        object_save(instance=entry, actor=actor, expected_version=expected_version)
        move_ownership(entry, stored.owner, entry.owner)
    return entry


def soa_approve(*, version: SoAVersion, actor, comment: str) -> SoAVersion:
    """The committee approves a draft: it is frozen with the risks and evidence of the day."""
    if not actor.has_perm("controls.approve_soaversion"):
        raise PermissionDenied("Only the governance committee approves the SoA.")
    if not comment.strip():
        raise ValidationError({"comment": "Say what the approval covers."})
    with attributed_to(actor), change_scope():
        version = SoAVersion.objects.select_for_update().get(pk=version.pk)
        if not version.is_draft:
            raise FrozenVersion(f"SoA version {version.number} is already approved.")
        entries = list(
            version.entries.select_related("control").prefetch_related(
                "control__risk_links__risk", "control__evidence"
            )
        )
        undecided = [
            e.control.control_id
            for e in entries
            if e.applicable is None or not e.justification.strip()
        ]
        if undecided:
            raise ValidationError(
                f"{len(undecided)} controls have no decision or justification yet: "
                + ", ".join(undecided[:10])
                + ("…" if len(undecided) > 10 else "")
            )
        for entry in entries:
            entry.risk_snapshot = sorted(
                link.risk.reference for link in entry.control.risk_links.all()
            )
            entry.evidence_snapshot = sorted(
                e.reference for e in entry.control.evidence.all()
            )
            object_save(instance=entry, actor=actor)
        version.status = SoAStatus.APPROVED
        version.approved_by = actor
        version.approved_at = timezone.now()
        version.approval_comment = comment.strip()
        object_save(instance=version, actor=actor)
        record_event(
            version,
            "soa.approved",
            f"SoA version {version.number} approved by {actor}: {comment.strip()}",
            {"version": version.number, "controls": len(entries)},
        )
    return version


def soa_new_draft(*, actor, summary: str = "") -> SoAVersion:
    """Start the next draft from the newest approved version (rows, owners and all)."""
    with attributed_to(actor), change_scope():
        if SoAVersion.objects.filter(status=SoAStatus.DRAFT).exists():
            raise ValidationError("A draft already exists; finish or approve it first.")
        base = (
            SoAVersion.objects.filter(status=SoAStatus.APPROVED)
            .order_by("-number")
            .first()
        )
        number = (SoAVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = object_save(
            instance=SoAVersion(
                number=number, based_on=base, summary_of_changes=summary
            ),
            actor=actor,
        )
        previous = (
            {e.control_id: e for e in base.entries.all()} if base is not None else {}
        )
        for control in Control.objects.all():
            entry = SoAEntry(soa=draft, control=control)
            old = previous.get(control.pk)
            if old is not None:
                for field in ENTRY_FIELDS:
                    setattr(entry, field, getattr(old, field))
            object_save(instance=entry, actor=actor)
            move_ownership(entry, None, entry.owner)
    return draft


def soa_rows_for_compare(version: SoAVersion) -> dict[str, dict]:
    """What the SoA document says per control: its fields, risks and evidence.

    An approved version answers with the risks and evidence it was approved with; a
    draft with today's links.
    """
    rows = {}
    entries = version.entries.select_related("control", "owner").prefetch_related(
        "control__risk_links__risk", "control__evidence"
    )
    for entry in entries:
        row = {field: getattr(entry, field) for field in ENTRY_FIELDS}
        row["owner"] = str(entry.owner) if entry.owner else None
        if version.is_draft:
            row["risks"] = sorted(
                link.risk.reference for link in entry.control.risk_links.all()
            )
            row["evidence"] = sorted(e.reference for e in entry.control.evidence.all())
        else:
            row["risks"] = entry.risk_snapshot
            row["evidence"] = entry.evidence_snapshot
        rows[entry.control.control_id] = (entry.control, row)
    return rows


def soa_compare(left: SoAVersion, right: SoAVersion) -> list[dict]:
    """The controls whose row differs between two versions, with each changed field."""
    before, after = soa_rows_for_compare(left), soa_rows_for_compare(right)
    changes = []
    for control_id in sorted(
        set(before) | set(after),
        key=lambda cid: (after.get(cid) or before.get(cid))[0].position,
    ):
        control = (after.get(control_id) or before.get(control_id))[0]
        old = before.get(control_id, (None, {}))[1]
        new = after.get(control_id, (None, {}))[1]
        fields = [
            {"field": name, "before": old.get(name), "after": new.get(name)}
            for name in (*ENTRY_FIELDS, "risks", "evidence")
            if old.get(name) != new.get(name)
        ]
        if fields:
            changes.append(
                {
                    "control": control,
                    "added": control_id not in before,
                    "removed": control_id not in after,
                    "fields": fields,
                }
            )
    return changes


# Effectiveness checks


def control_check_save(*, check: ControlCheck, actor, m2m=None) -> ControlCheck:
    with attributed_to(actor), change_scope():
        object_save(instance=check, actor=actor, m2m=m2m)
        if check.result != "pass":
            record_event(
                check.control,
                "control.check_failed",
                f"{check.control.control_id} check on {check.checked_on}: "
                f"{check.get_result_display()}",
                {"result": check.result, "check": check.pk},
            )
    return check


def next_check_due(last_checked: datetime.date, frequency_days: int) -> datetime.date:
    """A control is checked again one test period after its last check."""
    return last_checked + datetime.timedelta(days=frequency_days)


# Evidence


def evidence_save(
    *, evidence: Evidence, actor, m2m=None, expected_version=None, upload=None
) -> Evidence:
    """Record evidence (a link, or a file given as ``upload``); its owner may edit it."""
    with attributed_to(actor), change_scope():
        previous_owner = None
        if evidence.pk is not None:
            stored = (
                Evidence.objects.select_related("owner").filter(pk=evidence.pk).first()
            )
            previous_owner = stored.owner if stored is not None else None
            if (
                stored is not None
                and stored.restricted
                and not evidence.restricted
                and not may_lift_restriction(actor)
            ):
                # The owner restricts their evidence; lifting it opens the download
                # to every reader, which is the AIMS manager's call.
                raise PermissionDenied(
                    "Only an AIMS manager may lift the restriction on evidence."
                )
        else:
            evidence.reference = ReferenceCounter.next_reference(REFERENCE_PREFIX)
            evidence.kind = (
                EvidenceKind.FILE if upload is not None else EvidenceKind.LINK
            )
            if upload is None and not evidence.url:
                raise ValidationError(
                    {"file": "Upload a file or give a link to the evidence."}
                )
        if evidence.pk is not None and m2m:
            m2m = _keep_hidden_links(evidence, m2m, actor)
        object_save(
            instance=evidence, actor=actor, m2m=m2m, expected_version=expected_version
        )
        if upload is not None:
            evidence_add_file(evidence=evidence, upload=upload, actor=actor)
        move_ownership(evidence, previous_owner, evidence.owner)
    return evidence


def _keep_hidden_links(evidence: Evidence, m2m: dict, actor) -> dict:
    """An editor sees only the risks and systems they may view; links to the others
    stay as they are instead of being dropped by the edit."""
    from registry.models import AISystem
    from risk.models import Risk

    m2m = dict(m2m)
    for name, model in (("risks", Risk), ("ai_systems", AISystem)):
        if name in m2m:
            visible = visible_to(model.objects.all(), actor).values("pk")
            hidden = getattr(evidence, name).exclude(pk__in=visible)
            m2m[name] = list(m2m[name]) + list(hidden)
    return m2m


def may_lift_restriction(actor) -> bool:
    """Managers (whoever may change every evidence item), not an item's owner."""
    return actor is None or actor.has_perm(perm_name(Evidence, "change"))


def evidence_add_file(*, evidence: Evidence, upload, actor) -> EvidenceFile:
    """Store a new version of the evidence file; earlier versions stay as they were."""
    try:
        inspected = inspect_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    with attributed_to(actor), change_scope():
        # Lock the item so two uploads cannot take the same version number.
        Evidence.objects.select_for_update().filter(pk=evidence.pk).first()
        number = (evidence.files.aggregate(n=Max("number"))["n"] or 0) + 1
        stored = EvidenceFile(
            evidence=evidence,
            number=number,
            original_name=inspected.name,
            content_type=inspected.content_type,
            extension=inspected.extension,
            size=inspected.size,
            sha256=inspected.sha256,
            uploaded_by=actor,
        )
        stored.file.save(inspected.name, upload, save=False)
        stored.save()
        if evidence.kind != EvidenceKind.FILE:
            evidence.kind = EvidenceKind.FILE
            object_save(instance=evidence, actor=actor)
        record_event(
            evidence,
            "evidence.file_added",
            f"{evidence.reference}: version {number} uploaded ({inspected.name}, "
            f"SHA-256 {inspected.sha256[:12]}…)",
            {"number": number, "sha256": inspected.sha256, "size": inspected.size},
        )
    return stored


# Who may do what beyond view/add/change/delete (one place for pages and API)


def may_download(user, evidence: Evidence) -> bool:
    if not can(user, "view", evidence):
        return False
    if not evidence.restricted:
        return True
    return user.has_perm("controls.download_restricted_evidence") or can(
        user, "change", evidence
    )


def may_record_check(user, control: Control) -> bool:
    """Whoever may add checks, and the owner of the control's row in the current SoA."""
    if can(user, "add", ControlCheck):
        return True
    return SoAEntry.objects.filter(
        control=control, owner=user, soa=soa_current()
    ).exists()


def may_record_any_check(user) -> bool:
    """Whether the user may record a check of some control: asked before the request
    body is read, so a refusal is a 403 whatever the body holds."""
    if can(user, "add", ControlCheck):
        return True
    return SoAEntry.objects.filter(owner=user, soa=soa_current()).exists()


def may_edit_entry(user, entry: SoAEntry) -> bool:
    return entry.soa.is_draft and can(user, "change", entry)
