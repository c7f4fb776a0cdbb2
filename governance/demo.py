"""The demo organisation's management system: context and the climate decision,
interested parties, an approved scope, an approved AI policy acknowledged by some users,
roles, two objectives with a year of measurements, training records with one gap.
Idempotent: runs once."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction

from aims import roles as portal_roles
from controls.models import Control
from registry.choices import LifecycleStage
from registry.models import AIRole, AISystem

from .models import (
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
    PartyRequirement,
    PlannedChange,
    RoleAssignment,
    ScopeVersion,
    SystemRoleAssignment,
    TrainingRecord,
)
from .services import (
    acknowledge,
    communication_record_save,
    document_publish,
    document_version_approve,
    document_version_save,
    document_version_submit,
    measurement_save,
    organisation_context,
    organisation_context_save,
    record_save,
    scope_approve,
    scope_save,
    training_record_save,
)

AI_POLICY_V1 = """# Purpose
This policy sets how we develop, buy and use AI systems.

# Commitments
- We use AI only for purposes the committee approved.
- Every AI system has an accountable owner and is in the register.
- People affected by AI decisions can ask for a human review.
"""
AI_POLICY_V2 = (
    AI_POLICY_V1
    + """- We assess the impact of each high-risk system before it goes live.
- We train every employee who operates or uses AI systems (AI literacy).

# Review
The committee reviews this policy every year and after any serious incident.
"""
)


def _months_ago(today, months):
    return today - datetime.timedelta(days=30 * months)


def load_demo(users: dict) -> int:
    if Document.objects.exists():
        return 0
    with transaction.atomic():
        return _load(users)


def _load(users: dict) -> int:
    today = datetime.date.today()
    maria, grace, raj = users["maria"], users["grace"], users["raj"]
    olivia, victor = users["olivia"], users["victor"]
    created = 0

    def save(instance, m2m=None, actor=maria):
        nonlocal created
        created += 1
        return record_save(instance=instance, actor=actor, m2m=m2m)

    # Context (4.1)
    context = organisation_context()
    context.ai_roles_note = (
        "We develop our own credit and fraud models (producer) and deploy bought "
        "language-model services (customer)."
    )
    context.intended_purpose_summary = (
        "Support lending and fraud decisions; help staff draft letters and summaries."
    )
    context.climate_change = "relevant"
    context.climate_change_rationale = (
        "Training and serving models uses energy in our cloud regions; customers and "
        "the board expect us to report and limit it. Recorded as issue CTX-0004."
    )
    context.climate_change_decided_on = _months_ago(today, 10)
    organisation_context_save(
        context=context,
        actor=maria,
        m2m={
            "ai_roles": list(
                AIRole.objects.filter(slug__in=["ai-producer", "ai-customer"])
            )
        },
    )
    for title, kind, category, effect, climate in (
        (
            "EU AI Act obligations for high-risk credit scoring",
            "external",
            "legal",
            "Credit scoring is high-risk: conformity, logging and oversight duties apply from 2026.",
            False,
        ),
        (
            "Rapid change of foundation-model services",
            "external",
            "technological",
            "Supplier models change without notice; outputs must be re-validated.",
            False,
        ),
        (
            "Public trust in automated lending decisions",
            "external",
            "societal",
            "Complaints and press attention if decisions look unfair or unexplained.",
            False,
        ),
        (
            "Energy use of model training and inference",
            "external",
            "environmental",
            "Adds to our footprint; the board set a reduction target.",
            True,
        ),
        (
            "Few staff with AI assurance skills",
            "internal",
            "organisational",
            "Assessments and testing depend on two people.",
            False,
        ),
    ):
        save(
            ContextIssue(
                title=title,
                kind=kind,
                category=category,
                effect=effect,
                is_climate_change=climate,
                owner=maria,
                review_date=today + datetime.timedelta(days=120),
            )
        )

    # Documents (5.2, 7.5)
    a22 = list(Control.objects.filter(control_id__in=["A.2.2", "A.2.3"]))
    policy = save(
        Document(
            title="AI policy",
            doc_type="ai_policy",
            owner=maria,
            classification="internal",
            purpose="Top management's direction for AI.",
        ),
        m2m={"controls": a22},
    )
    first = document_version_save(
        version=DocumentVersion(
            document=policy, text=AI_POLICY_V1, change_summary="First issue."
        ),
        actor=maria,
    )
    document_version_approve(
        version=first, actor=grace, comment="Approved by the committee."
    )
    second = document_version_save(
        version=DocumentVersion(
            document=policy,
            text=AI_POLICY_V2,
            change_summary="Adds impact assessments and AI literacy.",
        ),
        actor=maria,
    )
    document_version_submit(version=second, actor=maria)
    second = document_version_approve(
        version=second, actor=grace, comment="Approved at the committee meeting."
    )
    document_publish(
        version=second,
        actor=maria,
        groups=Group.objects.filter(
            name__in=[
                portal_roles.VIEWER,
                portal_roles.AI_SYSTEM_OWNER,
                portal_roles.RISK_OWNER,
            ]
        ),
        message="Please read the updated AI policy.",
        acknowledge_by=today + datetime.timedelta(days=14),
    )
    for person in (victor, olivia):
        acknowledge(version=second, user=person)
    procedure = save(
        Document(
            title="AI risk assessment procedure",
            doc_type="procedure",
            owner=raj,
            purpose="How we identify, analyse, evaluate and treat AI risks (6.1.2, 6.1.3).",
            documented_information=["DI-04", "DI-05"],
        ),
        m2m={"controls": list(Control.objects.filter(control_id__in=["A.5.2"]))},
    )
    version = document_version_save(
        version=DocumentVersion(
            document=procedure,
            text="# Steps\n1. Identify risk sources (Annex C).\n2. Score likelihood and impact.\n3. Compare with the criteria.",
            change_summary="First issue.",
        ),
        actor=raj,
    )
    document_version_approve(
        version=version, actor=maria, comment="Four-eyes review done."
    )
    impact = save(
        Document(
            title="AI system impact assessment procedure",
            doc_type="procedure",
            owner=maria,
            documented_information=["DI-08"],
        )
    )
    draft = document_version_save(
        version=DocumentVersion(
            document=impact,
            text="# When\nBefore deployment and on significant change (ISO/IEC 42005).",
            change_summary="Draft for review.",
        ),
        actor=maria,
    )
    document_version_submit(version=draft, actor=maria)
    lifecycle = save(
        Document(
            title="Responsible AI development life cycle",
            doc_type="procedure",
            owner=maria,
            purpose="Stages, testing, human oversight, release criteria and change "
            "control for the AI systems we build (A.6.1.3).",
            documented_information=["DI-A11"],
        )
    )
    version = document_version_save(
        version=DocumentVersion(
            document=lifecycle,
            text="# Stages\nIdea, design, build, verify, release gate, operate, retire.\n\n"
            "# Release\nThe gate checks approved requirements, met acceptance criteria and "
            "a current impact assessment.",
            change_summary="First issue.",
        ),
        actor=maria,
    )
    document_version_approve(
        version=version, actor=grace, comment="Reviewed against the release gate."
    )
    for title, source, edition in (
        ("ISO/IEC 42001 AI management system", "ISO/IEC", "2023"),
        ("Regulation (EU) 2024/1689 (AI Act)", "European Union", "OJ L, 12.7.2024"),
    ):
        external = save(
            Document(
                title=title,
                doc_type="external",
                owner=maria,
                classification="public",
                external_source=source,
                external_edition=edition,
                review_interval_months=24,
            )
        )
        approved = document_version_save(
            version=DocumentVersion(
                document=external,
                text=f"Reference copy of {title}, edition {edition}.",
                change_summary="Registered.",
            ),
            actor=maria,
        )
        document_version_approve(version=approved, actor=grace)

    # Interested parties (4.2)
    objectives = []
    fair = save(
        Objective(
            title="Fair lending decisions",
            owner=raj,
            target="The approval-rate gap between groups stays under 2 points.",
            due_date=today + datetime.timedelta(days=180),
            resources="Fairness testing tool, 2 days a month of the data team.",
            evaluation_method="Monthly fairness report to the committee.",
            concerns="use",
        ),
        m2m={
            "ai_systems": list(
                AISystem.objects.exclude(lifecycle_stage=LifecycleStage.RETIRED)[:2]
            )
        },
    )
    literacy = save(
        Objective(
            title="AI literacy across staff",
            owner=maria,
            target="95 % of staff who use AI systems complete AI-literacy training.",
            due_date=today + datetime.timedelta(days=90),
            resources="E-learning licence.",
            evaluation_method="Quarterly count from the training records.",
            concerns="development",
        )
    )
    objectives += [fair, literacy]
    for name, kind, needs, requirement, how, controls, docs, objs in (
        (
            "Loan applicants",
            "external",
            "Fair, explainable decisions and a way to contest them.",
            "Explain automated decisions and offer a human review.",
            "Explanations in every decision letter; review by a credit officer on request.",
            ["A.8.2"],
            [policy],
            [fair],
        ),
        (
            "Financial supervisor",
            "external",
            "Compliance with the EU AI Act and sector rules.",
            "Meet the high-risk obligations for credit scoring.",
            "Register, risk and impact assessments, logging controls.",
            ["A.6.2.8"],
            [procedure],
            [],
        ),
        (
            "Employees",
            "internal",
            "Clear rules and training for using AI tools.",
            "Train staff who operate or use AI systems.",
            "AI policy and AI-literacy training.",
            [],
            [policy],
            [literacy],
        ),
    ):
        party = save(
            InterestedParty(
                name=name,
                kind=kind,
                needs_and_expectations=needs,
                owner=maria,
                review_date=today + datetime.timedelta(days=200),
            )
        )
        save(
            PartyRequirement(party=party, requirement=requirement, how_addressed=how),
            m2m={
                "controls": list(Control.objects.filter(control_id__in=controls)),
                "documents": docs,
                "objectives": objs,
            },
        )

    # Scope (4.3): every active system but the one still at the idea stage.
    in_scope = list(
        AISystem.objects.exclude(
            lifecycle_stage__in=[LifecycleStage.RETIRED, LifecycleStage.IDEA]
        )
    )
    scope = scope_save(
        version=ScopeVersion(
            statement="The AIMS covers the development, procurement and use of AI systems "
            "by the lending and fraud departments.",
            boundaries="Head office and the two data centres; all AI systems in the register except ideas.",
            units_and_sites="Lending, Fraud, Data & Analytics; Amsterdam and Utrecht.",
            interfaces="Cloud model providers; the group IT security function.",
            exclusions="Marketing's pilot chatbot (idea stage).",
            exclusion_justification="Not in use; it enters the scope before any pilot with customers.",
            summary_of_changes="First scope.",
            next_review_date=today + datetime.timedelta(days=300),
        ),
        actor=maria,
        m2m={"ai_systems": in_scope},
    )
    scope_approve(
        version=scope, actor=grace, comment="Scope for the certification audit."
    )
    created += 1

    # Indicators with a year of monthly measurements.
    gap = save(
        Indicator(
            objective=fair,
            name="Approval-rate gap",
            unit="points",
            direction="lower",
            target=Decimal("2"),
            threshold=Decimal("4"),
        )
    )
    trained = save(
        Indicator(
            objective=literacy,
            name="Staff trained in AI literacy",
            unit="%",
            value_type="percent",
            direction="higher",
            target=Decimal("95"),
            threshold=Decimal("80"),
        )
    )
    gap_values = [5.1, 4.8, 4.4, 4.0, 3.9, 3.5, 3.2, 2.9, 2.6, 2.4, 2.1, 1.8]
    trained_values = [22, 30, 38, 45, 51, 58, 63, 70, 74, 79, 83, 86]
    for index in range(12):
        on = _months_ago(today, 11 - index) - datetime.timedelta(days=2)
        for indicator, values in ((gap, gap_values), (trained, trained_values)):
            measurement_save(
                measurement=Measurement(
                    indicator=indicator,
                    value=Decimal(str(values[index])),
                    measured_on=on,
                    period=on.strftime("%Y-%m"),
                ),
                actor=maria,
            )
            created += 1
    # A quarterly indicator whose measurement is overdue: it shows on the objective
    # page and the home card, and escalates in the reminders.
    sessions = save(
        Indicator(
            objective=literacy,
            name="AI-literacy refresher sessions held",
            unit="sessions",
            value_type="integer",
            direction="higher",
            target=Decimal("3"),
            threshold=Decimal("1"),
            frequency="quarterly",
            first_due=_months_ago(today, 4),
        )
    )
    on = _months_ago(today, 5)
    measurement_save(
        measurement=Measurement(
            indicator=sessions,
            value=Decimal("2"),
            measured_on=on,
            period=f"{on.year}-Q{(on.month - 1) // 3 + 1}",
        ),
        actor=maria,
    )
    created += 1

    # Roles (5.1, 5.3)
    chair = save(
        AimsRole(
            name="AI governance committee chair",
            top_management=True,
            responsibilities="Chairs the committee; approves the AI policy and the scope.",
            authorities="Approves on behalf of the board; accepts risks above the appetite.",
        )
    )
    manager_role = save(
        AimsRole(
            name="AIMS manager",
            reports_to=chair,
            responsibilities="Runs the management system; reports its performance to the committee.",
            authorities="Approves procedures and templates.",
        )
    )
    officer = save(
        AimsRole(
            name="AI risk officer",
            reports_to=manager_role,
            responsibilities="Leads AI risk and impact assessments.",
        )
    )
    for role, person, deputy in (
        (chair, grace, None),
        (manager_role, maria, raj),
        (officer, raj, maria),
    ):
        save(
            RoleAssignment(
                role=role, person=person, deputy=deputy, since=_months_ago(today, 12)
            )
        )
    save(
        Commitment(
            statement="The board commits to resourcing the AIMS and to reviewing it twice a year.",
            made_by=grace,
            made_on=_months_ago(today, 11),
        ),
        actor=grace,
    )

    # Competence (7.2, AI literacy): Omar has not completed the training, the one gap.
    method = save(
        CompetenceRequirement(
            title="AI risk assessment method",
            aims_role=officer,
            validity_months=24,
            description="Knows the risk criteria, Annex C sources and the procedure.",
        )
    )
    basics = save(
        CompetenceRequirement(
            title="AI literacy basics",
            applies_to="ai_system_owners",
            ai_literacy=True,
            validity_months=24,
            description="What AI can and cannot do, our AI policy, when to escalate.",
        )
    )
    for person, requirement, title in (
        (raj, method, "ISO/IEC 42001 lead implementer"),
        (olivia, basics, "AI literacy e-learning"),
    ):
        training_record_save(
            record=TrainingRecord(
                person=person,
                requirement=requirement,
                title=title,
                provider="Training Institute",
                completed_on=_months_ago(today, 3),
            ),
            actor=maria,
        )
        created += 1

    # Competence per AI-system role (A.3.2, A.4.6): reviewers of every system need
    # human-oversight training; the operator of the first system needs its own
    # course, which Omar, its operator, has not taken yet: the system's one gap.
    systems = list(
        AISystem.objects.exclude(
            lifecycle_stage__in=[LifecycleStage.RETIRED, LifecycleStage.IDEA]
        ).order_by("reference")[:2]
    )
    oversight = save(
        CompetenceRequirement(
            title="Human oversight of AI decisions",
            applies_to="ai_system_role",
            system_role="reviewer",
            validity_months=12,
            description="When to override the system, how to record the review.",
        )
    )
    if systems:
        save(
            CompetenceRequirement(
                title=f"Operating {systems[0].name}",
                applies_to="ai_system_role",
                system_role="operator",
                ai_system=systems[0],
                description="Monitoring, thresholds, the stop procedure.",
            )
        )
        omar = users.get("omar")
        for system in systems:
            save(
                SystemRoleAssignment(
                    ai_system=system,
                    role="reviewer",
                    person=raj,
                    since=_months_ago(today, 6),
                )
            )
        if omar is not None:
            save(
                SystemRoleAssignment(
                    ai_system=systems[0],
                    role="operator",
                    person=omar,
                    since=_months_ago(today, 2),
                )
            )
        training_record_save(
            record=TrainingRecord(
                person=raj,
                requirement=oversight,
                title="Human oversight workshop",
                provider="Internal",
                completed_on=_months_ago(today, 4),
            ),
            actor=maria,
        )
        created += 2

    # Communication (7.4) and a planned change (6.3)
    item = save(
        CommunicationItem(
            topic="AIMS performance report",
            audience="The board",
            reach="internal",
            timing="Quarterly",
            channel="report",
            communicator=maria,
            next_due=today + datetime.timedelta(days=45),
        )
    )
    communication_record_save(
        record=CommunicationRecord(
            item=item,
            happened_on=_months_ago(today, 1),
            summary="Q3 report: objectives, incidents and audit results.",
        ),
        actor=maria,
    )
    save(
        CommunicationItem(
            topic="How we use AI in lending",
            audience="Customers",
            reach="external",
            timing="On each policy version",
            channel="website",
            communicator=maria,
            next_due=today + datetime.timedelta(days=20),
        )
    )
    save(
        PlannedChange(
            title="Add the insurance department to the scope",
            description="Extend the AIMS to the two insurance pricing models.",
            purpose="Certification of the whole group; consequences: new risks and roles.",
            resources="AIMS manager 20 %, one analyst.",
            responsible=maria,
            planned_for=today + datetime.timedelta(days=150),
        )
    )
    return created
