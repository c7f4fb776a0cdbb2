"""Demo impact assessments and EU AI Act classifications (idempotent: skipped when the
system already has them)."""

from registry.models import AISystem

from .models import Classification, Impact, ImpactAssessment
from .services import (
    answers_save,
    assessment_approve,
    assessment_start,
    assessment_submit,
    classification_record,
    impact_save,
)

CLASSIFICATIONS = {
    "CV screening assistant": (
        "olivia",
        "deployer",
        {"Annex III 4(a)": True, "Art. 6(3) profiling": True},
        "Ranks applicants for recruitment: Annex III point 4(a). It profiles applicants, so the Art. 6(3) derogation is not available.",
    ),
    "Claims fraud detection model": (
        "omar",
        "provider",
        {"Annex III 5(b)": False},
        "Fraud detection is excepted from Annex III 5(b); no other Annex III use, no Art. 50 case.",
    ),
    "Customer service chatbot": (
        "olivia",
        "deployer",
        {"Art. 50(1)": True},
        "Customers chat with it directly: they must be told they are talking to an AI system (the provider's Art. 50(1) duty; we check it in the vendor contract).",
    ),
    "Underwriting pricing assistant": (
        "omar",
        "provider",
        {"Annex III 5(c)": False},
        "Commercial property pricing: not life or health insurance (Annex III 5(c)).",
    ),
    "Document summarisation pilot": (
        "maria",
        "deployer",
        {"Art. 2(8)": True},
        "An idea only: not placed on the market or put into service.",
    ),
}

CV_ANSWERS = {
    "scope_covers": "Version 3.2 of the HireSense ranking as configured for EU and UK vacancies, in use since 2025.",
    "scope_stage": "in_use",
    "scope_excluded": "The vendor's own model training; covered by the vendor's documentation.",
    "system_capabilities": "Scores and ranks applications; could also be used to screen internal candidates (not enabled).",
    "intended_use": "Recruiters in HR use the ranked shortlist to decide whom to interview for advertised roles.",
    "foreseeable_misuse": "Treating the ranking as a decision (rejecting without review); using it for internal promotions.",
    "data_sources": "CVs and application forms submitted by applicants; role profiles written by hiring managers.",
    "personal_data": "yes",
    "personal_data_detail": "Applicants' CVs (education, work history, contact details); no special-category data is asked for. Legal basis: steps prior to a contract.",
    "data_quality": "The vendor trained on European CVs; fewer examples of career breaks and foreign degrees.",
    "deployment_languages": ["English", "German", "French"],
    "deployment_constraints": "Integrated into the applicant tracking system; recruiters work under time pressure in peak season.",
    "affected_groups": [
        "Applicants with career breaks",
        "Applicants with foreign qualifications",
        "Older applicants",
    ],
    "vulnerable_groups": "yes",
    "vulnerable_groups_detail": "Applicants with disabilities whose CVs show gaps; they may be ranked low without a human noticing.",
    "consulted": "yes",
    "consulted_on": "2025-10-14",
    "consulted_how": ["works_council", "user_testing"],
    "benefits": "Faster responses to applicants; recruiters spend time on interviews rather than sorting.",
    "societal_effects": "At scale, similar rankings across employers could narrow access to work for whole groups.",
    "failure_modes": "Systematic under-ranking of a group; a configuration error hiding all applicants of a vacancy.",
    "use_sensitivity": 4,
    "measures_summary": "Recruiter review of every shortlist, quarterly disparate-impact testing, applicants told about the AI use and how to ask for a human review.",
    "residual_acceptable": "yes",
}

CV_IMPACTS = [
    {
        "title": "Applicants from protected groups ranked lower",
        "description": "Career breaks and foreign degrees lower the score, which correlates with sex, disability and origin.",
        "affected_group": "Job applicants",
        "harm_kind": "fundamental_right",
        "charter_right": "21",
        "severity": 4,
        "likelihood": 3,
        "reversibility": "hard_to_reverse",
        "scale": "group",
        "existing_measures": "Recruiters review every shortlist and can add applicants back.",
        "planned_measures": "Quarterly disparate-impact test on live data.",
        "residual_level": "medium",
        "risk": "Ranking disadvantages applicants from protected groups",
    },
    {
        "title": "Applicants not aware that AI ranks them",
        "affected_group": "Job applicants",
        "harm_kind": "autonomy",
        "severity": 2,
        "likelihood": 2,
        "reversibility": "reversible",
        "scale": "group",
        "existing_measures": "Notice in the job advert and the privacy notice.",
        "residual_level": "low",
    },
    {
        "title": "Faster, more consistent first responses",
        "affected_group": "Job applicants and recruiters",
        "harm_kind": "benefit",
        "severity": 2,
        "likelihood": 4,
        "reversibility": "reversible",
        "scale": "group",
    },
]


def _impact(assessment, actor, spec):
    from risk.models import Risk

    spec = dict(spec)
    risk_title = spec.pop("risk", None)
    impact = impact_save(impact=Impact(assessment=assessment, **spec), actor=actor)
    if risk_title:
        risk = Risk.objects.filter(title=risk_title).first()
        if risk is not None:
            from aims.services import object_save

            impact.risk = risk
            object_save(instance=impact, actor=actor)
    return impact


def _answers(assessment, extra):
    answers = dict(assessment.answers)
    answers.update(extra)
    return answers


def load_demo(users: dict) -> int:
    created = 0
    systems = {s.name: s for s in AISystem.objects.filter(name__in=CLASSIFICATIONS)}
    for name, (user, role, answers, notes) in CLASSIFICATIONS.items():
        system = systems.get(name)
        if system is None or Classification.objects.filter(ai_system=system).exists():
            continue
        classification_record(
            system=system,
            actor=users[user],
            answers=answers,
            operator_role=role,
            notes=notes,
        )
        created += 1
    cv = systems.get("CV screening assistant")
    if cv is not None and not ImpactAssessment.objects.filter(ai_system=cv).exists():
        olivia = users["olivia"]
        assessment = assessment_start(system=cv, actor=olivia)
        answers_save(
            assessment=assessment,
            actor=olivia,
            answers=_answers(assessment, CV_ANSWERS),
        )
        for spec in CV_IMPACTS:
            _impact(assessment, olivia, spec)
        assessment_submit(assessment=assessment, actor=olivia)
        assessment_approve(
            assessment=assessment,
            actor=users["grace"],
            note="Measures proportionate; review after the next vendor release.",
        )
        created += 1
    fraud = systems.get("Claims fraud detection model")
    if (
        fraud is not None
        and not ImpactAssessment.objects.filter(ai_system=fraud).exists()
    ):
        omar = users["omar"]
        assessment = assessment_start(system=fraud, actor=omar)
        answers_save(
            assessment=assessment,
            actor=omar,
            answers=_answers(
                assessment,
                {
                    "scope_covers": "The production model scoring motor and home claims.",
                    "scope_stage": "in_use",
                    "intended_use": "Claims handlers see a fraud score; investigators decide on referrals.",
                    "foreseeable_misuse": "Refusing claims on the score alone.",
                    "data_sources": "Claims history, policy data, payment records.",
                    "personal_data": "yes",
                    "personal_data_detail": "Policyholders' claims and payment data; no special-category data.",
                    "vulnerable_groups": "no",
                    "benefits": "Honest policyholders are paid faster; fraud costs fall.",
                    "societal_effects": "Lower premiums overall; risk of unfair suspicion for some neighbourhoods.",
                    "failure_modes": "Drift raises false referrals; honest claimants wait longer.",
                    "use_sensitivity": 3,
                    "measures_summary": "Investigator confirmation of every referral; monthly drift monitoring.",
                    "residual_acceptable": "yes",
                },
            ),
        )
        _impact(
            assessment,
            omar,
            {
                "title": "Honest claimants wait longer after a false referral",
                "affected_group": "Policyholders making claims",
                "harm_kind": "economic",
                "severity": 2,
                "likelihood": 3,
                "reversibility": "reversible",
                "scale": "group",
                "existing_measures": "Investigators confirm every referral within two working days.",
                "risk": "Drift in claim patterns raises false fraud referrals",
            },
        )
        assessment_submit(assessment=assessment, actor=omar)
        created += 1
    chatbot = systems.get("Customer service chatbot")
    if (
        chatbot is not None
        and not ImpactAssessment.objects.filter(ai_system=chatbot).exists()
    ):
        assessment_start(system=chatbot, actor=users["olivia"])
        created += 1
    return created
