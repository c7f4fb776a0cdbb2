"""Demo risks on the demo AI systems (idempotent: looked up by title)."""

import datetime

from django.utils import timezone

from registry.models import AISystem

from .models import AIObjective, Risk, RiskSource, TreatmentAction
from .services import (
    lifecycle_warnings,
    risk_accept,
    risk_acceptance_request,
    risk_save,
    risk_transition,
    treatment_action_save,
)

DEMO_CONFIRM_NOTE = (
    "The model's existing input checks cover this until the planned actions are done; "
    "revisited at the next monthly review."
)

DEMO_RISKS = [
    {
        "system": "CV screening assistant",
        "title": "Ranking disadvantages applicants from protected groups",
        "source": "C.3.4",
        "objectives": ["C.2.5", "C.2.11"],
        "parties": ["individuals", "groups"],
        "consequence": "Qualified applicants are filtered out; discrimination claims and regulatory action.",
        "inherent": (4, 4),
        "treatment": "mitigate",
        "rationale": "Bias testing before each release and recruiter review of every shortlist.",
        "residual": (2, 4),
        "controls": ["A.7.4", "A.6.2.4", "A.9.2"],
        "actions": [
            ("Run disparate-impact test on the Q3 model release", 20, "in_progress")
        ],
        "until": "treated",
    },
    {
        "system": "Claims fraud detection model",
        "title": "Drift in claim patterns raises false fraud referrals",
        "source": "C.3.6",
        "objectives": ["C.2.8"],
        "parties": ["individuals", "organisation"],
        "consequence": "Honest policyholders wait longer for payment; complaints rise.",
        "inherent": (3, 3),
        "treatment": "mitigate",
        "rationale": "Monthly drift monitoring with retraining triggers.",
        "residual": (2, 2),
        "controls": ["A.6.2.6"],
        "actions": [("Set up drift dashboard and alert thresholds", -10, "planned")],
        "until": "accepted",
    },
    {
        "system": "Customer service chatbot",
        "title": "Chatbot gives wrong policy information",
        "source": "C.3.2",
        "objectives": ["C.2.11", "C.2.1"],
        "parties": ["individuals"],
        "consequence": "Customers act on wrong cover information and complain.",
        "inherent": (4, 3),
        "treatment": "",
        "rationale": "",
        "residual": None,
        "controls": [],
        "actions": [],
        "until": "assessed",
    },
    {
        "system": None,
        "title": "Shortage of staff able to evaluate AI models",
        "source": "C.3.7",
        "objectives": ["C.2.2"],
        "parties": ["organisation"],
        "consequence": "Assessments are late or shallow; risks go unnoticed.",
        "inherent": (3, 4),
        "treatment": "",
        "rationale": "",
        "residual": None,
        "controls": [],
        "actions": [],
        "until": "identified",
    },
    {
        "system": "CV screening assistant",
        "title": "Applicants cannot get an explanation of their ranking",
        "source": "C.3.5",
        "objectives": ["C.2.11"],
        "parties": ["individuals"],
        "consequence": "Applicants contest decisions they cannot understand; trust and "
        "compliance suffer.",
        "inherent": (4, 4),
        "treatment": "mitigate",
        "rationale": "Recruiters explain the shortlist criteria on request.",
        "residual": (3, 4),
        "controls": ["A.8.2"],
        "actions": [],
        # Above the appetite: the owner asks the committee to accept it (grace decides).
        "until": "acceptance_requested",
    },
]


def load_demo(users: dict) -> int:
    created = 0
    today = timezone.localdate()
    owner = users["raj"]
    for spec in DEMO_RISKS:
        if Risk.objects.filter(title=spec["title"]).exists():
            continue
        system = (
            AISystem.objects.filter(name=spec["system"]).first()
            if spec["system"]
            else None
        )
        risk = Risk(
            ai_system=system,
            title=spec["title"],
            risk_source=RiskSource.objects.get(code=spec["source"]),
            consequence=spec["consequence"],
            affected_parties=spec["parties"],
            owner=owner,
            treatment=spec["treatment"],
            treatment_rationale=spec["rationale"],
        )
        if spec["until"] != "identified":
            risk.inherent_likelihood, risk.inherent_impact = spec["inherent"]
        risk_save(
            risk=risk,
            actor=owner,
            m2m={"objectives": AIObjective.objects.filter(code__in=spec["objectives"])},
            controls=spec["controls"],
        )
        for description, due_in, status in spec["actions"]:
            treatment_action_save(
                action=TreatmentAction(
                    risk=risk,
                    description=description,
                    owner=owner,
                    status=status,
                    due_date=today + datetime.timedelta(days=due_in),
                ),
                actor=owner,
            )
        if spec["until"] in ("treated", "accepted", "acceptance_requested"):
            risk_transition(risk=risk, to_status="treatment_planned", actor=owner)
            risk.residual_likelihood, risk.residual_impact = spec["residual"]
            risk_save(risk=risk, actor=owner)
            # Some demo risks are called treated before their actions are done: the
            # owner confirms it with a note, as the portal asks.
            risk_transition(
                risk=risk,
                to_status="treated",
                actor=owner,
                confirm_note=DEMO_CONFIRM_NOTE
                if lifecycle_warnings(risk, "treated")
                else "",
            )
        if spec["until"] == "accepted":
            risk_accept(
                risk=risk,
                actor=owner,
                rationale="Residual risk is low and monitored monthly.",
                confirm_note=DEMO_CONFIRM_NOTE
                if lifecycle_warnings(risk, "accepted")
                else "",
            )
        if spec["until"] == "acceptance_requested":
            risk_acceptance_request(
                risk=risk,
                actor=owner,
                rationale="Explanations on request cover most cases; a full "
                "explanation feature is planned for next year.",
            )
        created += 1
    return created
