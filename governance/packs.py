"""The management-system pack (PDF): the manual an auditor reads first for clauses 4 to
7 and 9.1: scope, context, interested parties, the approved AI policy and the document
register, roles, objectives with their trend charts, competence, and the evidence index."""

from audit.packs.registry import PackContent, PackKind, RecordRef, Section

from .models import ContextIssue, Document, ScopeVersion


class ManagementSystemPackKind(PackKind):
    key = "management_system"
    title = "Management system pack"
    description = (
        "The AIMS manual: scope, context and climate decision, interested parties, the "
        "approved AI policy and document register, roles, objectives with trend charts, "
        "competence status and the evidence index."
    )
    target_model = None
    requires = ((ScopeVersion, "view"), (Document, "view"), (ContextIssue, "view"))
    parameters_form = None
    sections = (
        Section("scope", "Scope of the AIMS (4.3)", "governance/packs/scope.html"),
        Section(
            "context",
            "Context of the organisation (4.1)",
            "governance/packs/context.html",
        ),
        Section("parties", "Interested parties (4.2)", "governance/packs/parties.html"),
        Section("policy", "AI policy (5.2)", "governance/packs/policy.html"),
        Section(
            "documents", "Document register (7.5)", "governance/packs/documents.html"
        ),
        Section(
            "roles", "Roles and responsibilities (5.3)", "governance/packs/roles.html"
        ),
        Section(
            "objectives",
            "AI objectives and indicators (6.2, 9.1)",
            "governance/packs/objectives.html",
        ),
        Section("competence", "Competence (7.2)", "governance/packs/competence.html"),
        Section("evidence", "Evidence index", "controls/packs/evidence.html"),
    )

    def build(self, pack, target, parameters: dict) -> PackContent:
        from controls.models import Evidence
        from controls.packs import evidence_index

        from .charts import trend_chart
        from .choices import VersionStatus
        from .markdown import render_markdown
        from .models import (
            AimsRole,
            Commitment,
            DocumentVersion,
            Indicator,
            InterestedParty,
            Objective,
        )
        from .readiness import _approved_ai_policy
        from .selectors import indicator_rows
        from .services import (
            acknowledgement_status,
            ai_literacy_status,
            competence_gaps,
            organisation_context,
        )

        scope = (
            ScopeVersion.objects.in_force()
            or ScopeVersion.objects.order_by("-number").first()
        )
        policy = _approved_ai_policy()
        documents = list(
            Document.objects.select_related("owner")
            .with_current_version()
            .order_by("reference")
        )
        objectives = list(
            Objective.objects.select_related("owner")
            .prefetch_related("ai_systems")
            .exclude(status="closed")
        )
        indicators = Indicator.objects.filter(objective__in=objectives).select_related(
            "objective"
        )
        rows = indicator_rows(indicators)
        by_objective = {}
        for row in rows:
            by_objective.setdefault(row.indicator.objective_id, []).append(
                (row, trend_chart(row.indicator, row.measurements))
            )
        approved_versions = DocumentVersion.objects.filter(
            status=VersionStatus.APPROVED, evidence__isnull=False
        )
        evidence, manifest = evidence_index(
            Evidence.objects.filter(document_versions__in=approved_versions)
        )
        records = [RecordRef(str(d), d.version) for d in documents]
        if scope is not None:
            records.insert(0, RecordRef(str(scope), scope.version))
        return PackContent(
            context={
                "scope": scope,
                "scope_systems": list(scope.ai_systems.order_by("reference"))
                if scope
                else [],
                "organisation_context": organisation_context(),
                "issues": ContextIssue.objects.select_related("owner").order_by(
                    "reference"
                ),
                "parties": InterestedParty.objects.prefetch_related(
                    "requirements__controls",
                    "requirements__documents",
                    "requirements__objectives",
                ).order_by("reference"),
                "policy": policy,
                "policy_html": render_markdown(policy.text) if policy else "",
                "policy_acknowledgements": acknowledgement_status(policy)
                if policy
                else None,
                "documents": documents,
                "roles": AimsRole.objects.prefetch_related(
                    "assignments__person", "assignments__deputy"
                ),
                "commitments": Commitment.objects.select_related("made_by"),
                "objectives": [(o, by_objective.get(o.pk, [])) for o in objectives],
                "gaps": competence_gaps(),
                "literacy": ai_literacy_status(),
                "evidence": evidence,
            },
            evidence=manifest,
            records=records,
        )
