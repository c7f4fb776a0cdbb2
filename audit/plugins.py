"""How the audit app plugs into the portal's registries (called from ``AuditConfig.ready``)."""

from aims import autocomplete, dashboard, navigation, record_tabs
from aims.events import register_events

from .cards import audit_card
from .models import (
    Audit,
    AuditProgramme,
    CorrectiveAction,
    Finding,
    ManagementReview,
    Nonconformity,
)
from .packs.actions import evidence_pack_actions
from .packs.kinds import register_builtin_kinds
from .packs.registry import may_view_any_pack
from .packs.registry import register as register_pack_kind
from .readiness import register_sources as register_readiness
from .reminders import register_sources as register_reminders
from .review_inputs import register_inputs
from .views.bundles import may_view_bundles

EVENTS = {
    "pack.requested": "Evidence pack requested",
    "pack.ready": "Evidence pack ready",
    "pack.failed": "Evidence pack failed",
    "pack.retried": "Evidence pack retried",
    "pack.rebuilding": "Evidence pack rebuilding",
    "bundle.requested": "Auditor bundle requested",
    "bundle.ready": "Auditor bundle ready",
    "bundle.failed": "Auditor bundle failed",
    "bundle.retried": "Auditor bundle retried",
    "bundle.rebuilding": "Auditor bundle rebuilding",
    "auditprogramme.approved": "Audit programme approved",
    "audit.objectivity_justified": "Auditor objectivity justified",
    "audit.started": "Audit started",
    "audit.replanned": "Audit back to planned",
    "audit.reported": "Audit reported",
    "audit.closed": "Audit closed",
    "finding.nonconformity_opened": "Nonconformity opened from a finding",
    "finding.closed": "Finding closed",
    "nonconformity.closed": "Nonconformity closed",
    "correctiveaction.effective": "Corrective action verified effective",
    "correctiveaction.not_effective": "Corrective action not effective",
    "managementreview.signed": "Management review signed off",
}


def _ready_packs(user):
    from .models import EvidencePack

    return EvidencePack.objects.visible_to(user).filter(status="ready")


def _register_pack_kinds() -> None:
    from .packs.kinds.audit_report import AuditReportPackKind
    from .packs.kinds.management_review import ManagementReviewPackKind

    register_pack_kind(AuditReportPackKind())
    register_pack_kind(ManagementReviewPackKind())


def _register_lookups() -> None:
    from aims.permissions import users_with

    autocomplete.register(
        autocomplete.Lookup(
            key="audit.auditor",
            queryset=lambda user: users_with(Audit, "conduct"),
            search_fields=autocomplete.USER_SEARCH_FIELDS,
            label=autocomplete.user_label,
            ordering=("first_name", "last_name", "username"),
        )
    )
    autocomplete.register(
        autocomplete.Lookup(
            key="audit.review_chair",
            queryset=lambda user: users_with(ManagementReview, "sign"),
            search_fields=autocomplete.USER_SEARCH_FIELDS,
            label=autocomplete.user_label,
            ordering=("first_name", "last_name", "username"),
        )
    )
    autocomplete.register(
        autocomplete.Lookup(
            key="audit.readypack",
            queryset=_ready_packs,
            search_fields=("reference", "target_repr", "kind"),
            label=lambda pack: (
                f"{pack.reference} {pack.kind_title} · {pack.target_repr}"
            ),
            ordering=("-requested_at",),
        )
    )
    for model in (Finding, Nonconformity, CorrectiveAction):
        autocomplete.register(autocomplete.owner_lookup(model))
    for key, model in (
        ("audit.audit", Audit),
        ("audit.nonconformity", Nonconformity),
        ("audit.finding", Finding),
    ):
        autocomplete.register(
            autocomplete.Lookup(
                key=key,
                queryset=autocomplete.visible(model),
                search_fields=("reference", "title"),
                ordering=("-reference",),
            )
        )


def register() -> None:
    register_builtin_kinds()
    _register_pack_kinds()
    register_events(EVENTS)
    register_inputs()
    register_reminders()
    register_readiness()
    dashboard.register(
        dashboard.DashboardCard(
            key="audit.overview",
            order=45,
            template="audit/cards/audit.html",
            context=audit_card,
        )
    )
    _register_lookups()
    record_tabs.register_actions(None, evidence_pack_actions)
    can_view = navigation.can_view
    navigation.register(
        navigation.NavSection(
            key="audit",
            label="Audits & Reviews",
            order=50,
            path_prefix="/audits/",
            links=(
                navigation.NavLink(
                    "Audit programme",
                    "audit:auditprogramme_list",
                    visible=can_view(AuditProgramme),
                    group="Internal audit (9.2)",
                ),
                navigation.NavLink(
                    "Audits", "audit:audit_list", visible=can_view(Audit)
                ),
                navigation.NavLink(
                    "Findings", "audit:finding_list", visible=_sees_any(Finding)
                ),
                navigation.NavLink(
                    "Nonconformities",
                    "audit:nonconformity_list",
                    visible=_sees_any(Nonconformity),
                    group="Improvement (10.2)",
                ),
                navigation.NavLink(
                    "Corrective actions",
                    "audit:correctiveaction_list",
                    visible=_sees_any(CorrectiveAction),
                ),
                navigation.NavLink(
                    "Management reviews",
                    "audit:managementreview_list",
                    visible=can_view(ManagementReview),
                    group="Management review (9.3)",
                ),
                navigation.NavLink(
                    "Evidence packs",
                    "audit:evidencepack_list",
                    visible=may_view_any_pack,
                    group="Packs and bundles",
                ),
                navigation.NavLink(
                    "Auditor bundles",
                    "audit:auditorbundle_list",
                    visible=may_view_bundles,
                ),
            ),
        )
    )


def _sees_any(model):
    """People who may own such records see the list (of what they may see) too; a
    role check, so the menu costs no query per page."""

    def visible(user) -> bool:
        from aims.permissions import can

        return can(user, "view", model) or can(user, "own", model)

    return visible
