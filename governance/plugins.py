"""How the management system plugs into the portal (``GovernanceConfig.ready``)."""

from aims import autocomplete, navigation, record_tabs
from aims.events import register_events
from registry.scope import set_scope_provider

from .models import (
    AimsRole,
    CommunicationItem,
    CompetenceRequirement,
    ContextIssue,
    Document,
    Indicator,
    InterestedParty,
    Objective,
    PlannedChange,
    ScopeVersion,
)
from .services import scope_systems

view = navigation.can_view


def _scope_panel(request, system):
    from aims.permissions import can

    if not can(request.user, "view", ScopeVersion):
        return None
    version = ScopeVersion.objects.in_force()
    return {
        "scope": version,
        "in_scope": version is None or version.ai_systems.filter(pk=system.pk).exists(),
    }


def _system_competence(request, system):
    from aims.permissions import can

    from .competence import system_competence
    from .models import SystemRoleAssignment, TrainingRecord

    user = request.user
    return {
        "system": system,
        **system_competence(system),
        "can_assign": can(user, "add", SystemRoleAssignment),
        "can_add_requirement": can(user, "add", CompetenceRequirement),
        "can_add_record": can(user, "add", TrainingRecord),
    }


def _may_see_competence(user, system) -> bool:
    from aims.permissions import can

    return can(user, "view", CompetenceRequirement)


def register() -> None:
    from audit.packs.registry import register as register_pack_kind

    from .cards import register_cards
    from .packs import ManagementSystemPackKind
    from .readiness import register as register_readiness
    from .reminders import register_sources
    from .review_inputs import register_inputs

    set_scope_provider(scope_systems)
    register_sources()
    register_readiness()
    register_inputs()
    register_cards()
    register_pack_kind(ManagementSystemPackKind())
    record_tabs.register_panel(
        "registry.aisystem",
        record_tabs.RecordPanel(
            key="governance.scope",
            order=5,
            template="governance/_scope_panel.html",
            context=_scope_panel,
        ),
    )
    record_tabs.register_tab(
        "registry.aisystem",
        record_tabs.RecordTab(
            key="competence",
            label="Competence",
            order=70,
            template="governance/tabs/system_competence.html",
            context=_system_competence,
            visible=_may_see_competence,
        ),
    )
    register_events(
        {
            "context.climate_decided": "Climate-change relevance decided",
            "scope.approved": "Scope approved",
            "document.submitted": "Document version submitted for approval",
            "document.version_approved": "Document version approved",
            "document.version_withdrawn": "Document version withdrawn",
            "document.published": "Document version published",
            "communication.done": "Planned communication held",
        }
    )
    for key, model, fields in (
        ("governance.document", Document, ("reference", "title")),
        ("governance.objective", Objective, ("reference", "title")),
        ("governance.interestedparty", InterestedParty, ("reference", "name")),
    ):
        autocomplete.register(
            autocomplete.Lookup(
                key=key, queryset=autocomplete.visible(model), search_fields=fields
            )
        )
    autocomplete.register(
        autocomplete.Lookup(
            key="governance.indicator",
            queryset=lambda user: autocomplete.visible(Indicator)(user).select_related(
                "objective"
            ),
            search_fields=("name", "objective__reference"),
        )
    )
    navigation.register(
        navigation.NavSection(
            key="governance",
            label="Management system",
            order=5,
            path_prefix="/management-system/",
            links=(
                navigation.NavLink(
                    "Overview", "governance:overview", visible=view(ContextIssue)
                ),
                navigation.NavLink(
                    "Context (4.1)", "governance:context", visible=view(ContextIssue)
                ),
                navigation.NavLink(
                    "Interested parties (4.2)",
                    "governance:interestedparty_list",
                    visible=view(InterestedParty),
                ),
                navigation.NavLink(
                    "Scope (4.3)", "governance:scope", visible=view(ScopeVersion)
                ),
                navigation.NavLink(
                    "Documents and policies",
                    "governance:document_list",
                    visible=view(Document),
                ),
                navigation.NavLink(
                    "Objectives (6.2)",
                    "governance:objective_list",
                    visible=view(Objective),
                ),
                navigation.NavLink(
                    "Roles and responsibilities (5.3)",
                    "governance:aimsrole_list",
                    visible=view(AimsRole),
                ),
                navigation.NavLink(
                    "Competence and training (7.2)",
                    "governance:competence",
                    visible=view(CompetenceRequirement),
                ),
                navigation.NavLink(
                    "Communication plan (7.4)",
                    "governance:communicationitem_list",
                    visible=view(CommunicationItem),
                ),
                navigation.NavLink(
                    "Planned changes (6.3)",
                    "governance:plannedchange_list",
                    visible=view(PlannedChange),
                ),
            ),
        )
    )
