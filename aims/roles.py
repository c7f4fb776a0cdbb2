"""Roles are groups whose permissions are declared here as data and synced after migrate.

Each pattern matches ``app_label.codename`` of the governance apps (fnmatch syntax); a
leading ``!`` removes what earlier patterns added. Besides Django's view/add/change/delete,
models may declare ``own_<model>``: who may be named the accountable owner of a record. Syncing only adds permissions, so an
administrator may grant more in the admin without the next deploy taking it away.
"""

from fnmatch import fnmatch

from django.db.models.signals import post_migrate
from django.dispatch import receiver

GOVERNANCE_APPS = (
    "aims",
    "registry",
    "risk",
    "impact",
    "controls",
    "audit",
    "governance",
    "incidents",
)
# Apps outside governance whose permissions a role names explicitly: users, tokens and
# the beat schedule (django-celery-beat's periodic tasks, edited in the admin site),
# sign-in lockouts (django-axes' access attempts, seen and cleared in the admin site).
# Second-factor devices (django-otp): administrators reset a lost one in the admin site.
ACCOUNT_APPS = (
    "auth",
    "authtoken",
    "django_celery_beat",
    "axes",
    "otp_totp",
    "otp_static",
)

# Nobody may write the change log through the permission system, not even administrators.
# Notifications are written by the reminder run only. Evidence packs are evidence
# too: requested (add) and built, never edited or deleted.
NEVER_GRANTED = (
    "aims.add_objectchange",
    "aims.change_objectchange",
    "aims.delete_objectchange",
    "aims.add_notification",
    "aims.change_notification",
    "aims.delete_notification",
    "audit.change_evidencepack",
    "audit.delete_evidencepack",
    "audit.change_auditorbundle",
    "audit.delete_auditorbundle",
    # Self-assessments and gap reports are kept as made: a new one supersedes.
    "aims.change_selfassessment",
    "aims.delete_selfassessment",
    "aims.change_gapreport",
    "aims.delete_gapreport",
    # Verifications of effectiveness are evidence: a new one is recorded instead.
    "audit.change_effectivenessverification",
    "audit.delete_effectivenessverification",
)

ADMINISTRATOR = "Administrator"
GOVERNANCE_COMMITTEE = "Governance committee"
AIMS_MANAGER = "AIMS manager"
RISK_OWNER = "Risk owner"
AI_SYSTEM_OWNER = "AI system owner"
AUDITOR = "Auditor"
VIEWER = "Viewer"

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # Administrators run the portal; risk decisions stay with the committee.
    ADMINISTRATOR: (
        "*.*",
        "!risk.accept_above_appetite_risk",
        "!controls.approve_soaversion",
        "!governance.approve_scopeversion",
        "!governance.approve_ai_policy",
        "!aims.receive_escalated_notification",
        # A withheld concern reporter's name is for the AIMS managers alone (A.3.3).
        "!incidents.identify_reporter_concern",
        "!registry.override_gate_release",
        # Approving the audit programme and signing reviews are top management's.
        "!audit.approve_auditprogramme",
        "!audit.sign_managementreview",
        "auth.*",
        "authtoken.*",
        "django_celery_beat.*",
        "axes.view_*",
        "axes.delete_*",
        "otp_totp.view_*",
        "otp_totp.delete_*",
        "otp_static.view_*",
        "otp_static.delete_*",
    ),
    GOVERNANCE_COMMITTEE: (
        "*.view_*",
        "registry.add_*",
        "registry.change_*",
        "registry.own_*",
        "risk.accept_above_appetite_risk",
        "controls.approve_soaversion",
        "controls.download_restricted_evidence",
        # Impact assessments are approved by the committee (four eyes, never the author).
        "impact.approve_impactassessment",
        # Top management approves the scope and the AI policy (4.3, 5.2) and other
        # documents as the second pair of eyes.
        "governance.approve_*",
        # Overdue items reach the committee at the last step of the escalation ladder.
        "aims.receive_escalated_notification",
        "aims.add_tag",
        "aims.change_tag",
        # Readiness: where no record judges a requirement, and keeping gap reports.
        "aims.add_selfassessment",
        "aims.add_gapreport",
        # Evidence packs for auditors (they also need to see the pack's target).
        "audit.add_evidencepack",
        # Serious-incident determination and closure; handling concerns (A.3.3, A.8.4).
        "incidents.triage_incident",
        "incidents.own_incident",
        "incidents.change_concern",
        # Release gates: approving life-cycle records, overriding a failed gate (A.6.2.5).
        "registry.approve_lifecyclerecord",
        "registry.override_gate_release",
        # The audit programme is approved, and management reviews held and signed
        # off, by top management (ISO/IEC 42001 9.2.2, 9.3).
        "audit.approve_auditprogramme",
        "audit.add_managementreview",
        "audit.change_managementreview",
        "audit.sign_managementreview",
        "audit.change_managementreviewinput",
        "audit.add_managementreviewdecision",
        "audit.change_managementreviewdecision",
        "audit.own_correctiveaction",
    ),
    AIMS_MANAGER: (
        "*.view_*",
        "*.add_*",
        "*.change_*",
        "*.delete_*",
        "*.own_*",
        "!aims.*_user",
        # Accepting above the appetite and approving the SoA are the committee's
        # decisions, not the manager's.
        "!risk.accept_above_appetite_risk",
        "!controls.approve_soaversion",
        "incidents.triage_incident",
        "incidents.identify_reporter_concern",
        "registry.approve_lifecyclerecord",
        # Managers approve ordinary documents (never their own); the scope and the AI
        # policy are top management's.
        "governance.approve_document",
        # The manager plans and runs audits; the committee approves the programme
        # and the chair signs the review off.
        "audit.conduct_audit",
        "audit.run_audit",
        "!audit.approve_auditprogramme",
        "!audit.sign_managementreview",
    ),
    RISK_OWNER: (
        "registry.view_*",
        "registry.own_aisystem",
        "aims.view_tag",
        "risk.view_*",
        "risk.add_risk",
        "risk.add_treatmentaction",
        "risk.own_risk",
        # Risk owners often own the controls that treat their risks.
        "controls.view_*",
        "controls.own_soaentry",
        "controls.own_evidence",
        "controls.add_evidence",
        # Everyone reads the policies and the objectives that concern their systems.
        "governance.view_document",
        "governance.view_documentversion",
        "governance.view_objective",
        "governance.view_indicator",
        "governance.view_measurement",
        # Findings and nonconformities in their area, and their corrective actions.
        "audit.own_finding",
        "audit.own_nonconformity",
        "audit.own_correctiveaction",
    ),
    AI_SYSTEM_OWNER: (
        "registry.add_aisystem",
        "registry.own_aisystem",
        "registry.view_airole",
        "registry.view_datacategory",
        "aims.view_tag",
        "aims.add_tag",
        "risk.view_riskcriteria",
        "risk.view_risksource",
        "risk.view_aiobjective",
        "controls.view_*",
        "controls.own_soaentry",
        "controls.own_evidence",
        "controls.add_evidence",
        # They may handle the incidents of their systems.
        "incidents.own_incident",
        # The shared registers their systems draw on; they steward their own datasets.
        "registry.view_supplier",
        "registry.view_supplierreview",
        "registry.view_dataset",
        "registry.view_provenanceentry",
        "registry.view_qualityrequirement",
        "registry.add_dataset",
        "registry.own_dataset",
        # Owners assess the impacts of their systems and classify them (object rights
        # on their own systems and assessments decide which).
        "impact.view_assessmenttemplate",
        "impact.add_impactassessment",
        "impact.own_impactassessment",
        "impact.add_impact",
        "impact.add_classification",
        "impact.add_fria",
        # They turn the harms of their own systems into risks and are accountable for
        # them (the impact service decides who may; see impact.services.may_create_risk).
        "risk.own_risk",
        # Everyone reads the policies and the objectives that concern their systems.
        "governance.view_document",
        "governance.view_documentversion",
        "governance.view_objective",
        "governance.view_indicator",
        "governance.view_measurement",
        "audit.own_finding",
        "audit.own_nonconformity",
        "audit.own_correctiveaction",
    ),
    # Auditors run the audits they are assigned to (run_audit on that audit, granted
    # by audit_save) without editing any audit's plan or the programme.
    AUDITOR: (
        "*.view_*",
        "controls.download_restricted_evidence",
        "audit.add_evidencepack",
        "audit.conduct_audit",
        "audit.add_auditorbundle",
    ),
    # Packs print the change log, which viewers do not read.
    VIEWER: (
        "*.view_*",
        "!aims.view_objectchange",
        "!aims.view_user",
        "!audit.view_evidencepack",
        "!audit.view_auditorbundle",
        # Concerns are read by those who handle or audit them; a reporter sees their own.
        "!incidents.view_concern",
    ),
}

ROLE_DESCRIPTIONS = {
    ADMINISTRATOR: "Manages users, roles and every record.",
    GOVERNANCE_COMMITTEE: "Oversees the AIMS; approves and accepts on behalf of top management.",
    AIMS_MANAGER: "Runs the management system day to day; edits all governance records.",
    RISK_OWNER: "Owns and treats AI risks.",
    AI_SYSTEM_OWNER: "Registers AI systems and edits the systems they own.",
    AUDITOR: "Reads every record and the change log, requests evidence packs; runs the audits assigned to them.",
    VIEWER: "Reads governance records; changes nothing.",
}


def matching_codenames(patterns, available: list[str]) -> set[str]:
    selected: set[str] = set()
    for pattern in patterns:
        if pattern.startswith("!"):
            selected -= {name for name in selected if fnmatch(name, pattern[1:])}
        else:
            selected |= {name for name in available if fnmatch(name, pattern)}
    return selected - set(NEVER_GRANTED)


def sync_roles() -> None:
    from django.contrib.auth.models import Group, Permission

    permissions = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in=GOVERNANCE_APPS + ACCOUNT_APPS
        )
    }
    governance = [n for n in permissions if n.split(".")[0] in GOVERNANCE_APPS]
    for role, patterns in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        account_patterns = [
            p for p in patterns if p.split(".")[0].lstrip("!") in ACCOUNT_APPS
        ]
        names = matching_codenames(
            [p for p in patterns if p not in account_patterns], governance
        ) | matching_codenames(account_patterns, list(permissions))
        missing = {permissions[n].pk for n in names} - set(
            group.permissions.values_list("pk", flat=True)
        )
        if missing:
            group.permissions.add(*missing)


@receiver(post_migrate, dispatch_uid="aims_sync_roles")
def _sync_roles_after_migrate(sender, **kwargs):
    # Permissions of an app exist only after its own post_migrate; sync after each app.
    if sender.label in GOVERNANCE_APPS:
        sync_roles()
