"""The EU AI Act classification: answers keyed by reference IDs in, tier, basis,
reasoning, FRIA flag and obligations out. Pages, the API and the dry run all call
``classify``; nothing else decides a tier."""

from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError

from . import reference
from .rules import classification_rules

__all__ = ["ClassificationResult", "classify", "obligation_title", "questions"]

TEXT_ANSWERS = ("Art. 6(4)",)


@dataclass
class ClassificationResult:
    tier: str
    in_scope: bool
    basis: list[str]
    reasoning: list[str]
    fria_required: bool
    obligations: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        data = asdict(self)
        data["obligations"] = [
            {"id": ob, "title": obligation_title(ob)} for ob in self.obligations
        ]
        return data


def questions() -> list[dict]:
    """The guided questionnaire: groups of (ref, label) in the order they are asked."""
    data = classification_rules()
    return [
        {
            "key": "scope",
            "title": "Scope and exclusions (Art. 2)",
            "items": data["scope_exclusions"],
        },
        {
            "key": "prohibited",
            "title": "Prohibited practices (Art. 5)",
            "items": [
                {"ref": p["ref"], "label": p["title"]}
                for p in reference.prohibited_practices()
            ],
        },
        {
            "key": "annex_i",
            "title": "Safety components (Art. 6(1), Annex I)",
            "items": [data["annex_i"]],
        },
        {
            "key": "annex_iii",
            "title": "Annex III use cases (Art. 6(2))",
            "items": [
                {
                    "ref": p["ref"],
                    "label": p["title"],
                    "group": f"{p['area']}. {p['area_title']}",
                }
                for p in reference.annex_iii_points()
            ],
        },
        {
            "key": "derogation",
            "title": "Derogation (Art. 6(3) and 6(4))",
            "items": [*data["derogation_conditions"], data["profiling"]],
        },
        {
            "key": "transparency",
            "title": "Transparency cases (Art. 50)",
            "items": [
                {"ref": c["ref"], "label": f"{c['title']} ({c['who']})"}
                for c in reference.transparency_cases()
            ],
        },
        {
            "key": "gpai",
            "title": "General-purpose AI models (Chapter V)",
            "items": data["gpai"],
        },
        {
            "key": "deployer",
            "title": "Deployer category (Art. 27)",
            "items": data["deployer_categories"],
        },
    ]


def known_refs() -> set[str]:
    refs = {item["ref"] for group in questions() for item in group["items"]}
    return refs | set(TEXT_ANSWERS)


def _check(answers: dict) -> dict:
    if not isinstance(answers, dict):
        raise ValidationError(
            {"answers": "Send the answers as an object keyed by reference IDs."}
        )
    unknown = sorted(set(answers) - known_refs())
    if unknown:
        raise ValidationError(
            {"answers": "Unknown reference IDs: " + ", ".join(unknown)}
        )
    errors = {}
    for ref, value in answers.items():
        if ref in TEXT_ANSWERS:
            if not isinstance(value, str):
                errors[ref] = "Give the documented assessment as text."
        elif not isinstance(value, bool):
            errors[ref] = "Answer true or false."
    if errors:
        raise ValidationError(errors)
    return {ref: value for ref, value in answers.items() if value}


def classify(answers: dict, operator_role: str) -> ClassificationResult:
    """Classify from answers keyed by reference IDs (``{"Annex III 4(a)": true}``).

    Unknown IDs and contradicting answers raise ``ValidationError`` by reference ID.
    """
    from registry.choices import EUOperatorRole

    if operator_role not in EUOperatorRole.values:
        raise ValidationError(
            {
                "operator_role": "Choose the organisation's operator role: "
                + ", ".join(EUOperatorRole.values)
            }
        )
    yes = _check(answers)
    data = classification_rules()
    derogation_refs = [c["ref"] for c in data["derogation_conditions"]]
    profiling_ref = data["profiling"]["ref"]
    annex_iii = [p["ref"] for p in reference.annex_iii_points() if p["ref"] in yes]
    derogation = [ref for ref in derogation_refs if ref in yes]
    errors = {}
    if derogation and profiling_ref in yes:
        errors[derogation[0]] = (
            "The Art. 6(3) derogation never applies to a system that profiles natural persons."
        )
    if derogation and not annex_iii:
        errors[derogation[0]] = (
            "The Art. 6(3) derogation applies only to Annex III use cases."
        )
    if derogation and not str(yes.get("Art. 6(4)", "")).strip():
        errors["Art. 6(4)"] = (
            "Claiming the derogation needs the documented assessment (Art. 6(4))."
        )
    if "Art. 51" in yes and "Art. 53" not in yes:
        errors["Art. 51"] = (
            "Systemic risk applies only to a general-purpose AI model you provide."
        )
    if errors:
        raise ValidationError(errors)

    reasoning: list[str] = []
    labels = {
        item["ref"]: item["label"] for group in questions() for item in group["items"]
    }
    prohibited = [p["ref"] for p in reference.prohibited_practices() if p["ref"] in yes]
    transparency = [c["ref"] for c in reference.transparency_cases() if c["ref"] in yes]
    gpai = [ref for ref in ("Art. 53", "Art. 51") if ref in yes]
    exclusions = [e["ref"] for e in data["scope_exclusions"] if e["ref"] in yes]
    open_source_only = exclusions == ["Art. 2(12)"]
    if (
        exclusions
        and open_source_only
        and (prohibited or annex_iii or "Annex I" in yes or transparency)
    ):
        reasoning.append(
            "The open-source exclusion (Art. 2(12)) does not apply: the system is prohibited, "
            "high-risk or an Art. 50 case."
        )
        exclusions = []
    if exclusions:
        for ref in exclusions:
            reasoning.append(f"{ref}: {labels[ref]} The AI Act does not apply.")
        return _result(
            "minimal_risk", False, exclusions, reasoning, False, operator_role, yes
        )

    basis: list[str] = []
    tier = "minimal_risk"
    if prohibited:
        tier = "prohibited"
        basis += prohibited
        reasoning += [
            f"{ref}: {labels[ref]}: a prohibited practice." for ref in prohibited
        ]
    high_risk = False
    if "Annex I" in yes:
        high_risk = True
        basis += ["Art. 6(1)", "Annex I"]
        reasoning.append(
            "Art. 6(1): safety component of (or itself) an Annex I product needing third-party conformity assessment."
        )
    if annex_iii:
        if derogation:
            basis += annex_iii + derogation + ["Art. 6(4)"]
            reasoning.append(
                "Annex III use ("
                + ", ".join(annex_iii)
                + "), but not high-risk under the "
                "Art. 6(3) derogation ("
                + ", ".join(derogation)
                + "), with the documented "
                "assessment of Art. 6(4); the system does not profile natural persons."
            )
        else:
            high_risk = True
            basis += ["Art. 6(2)", *annex_iii]
            reasoning += [
                f"{ref}: {labels[ref]}: high-risk (Art. 6(2))." for ref in annex_iii
            ]
            if profiling_ref in yes:
                reasoning.append(
                    "The system profiles natural persons, so the Art. 6(3) derogation is excluded."
                )
    if high_risk and tier != "prohibited":
        tier = "high_risk"
    if gpai:
        basis += gpai
        reasoning.append(
            "Art. 53: the organisation provides a general-purpose AI model"
            + (
                " with systemic risk (Art. 51, obligations of Art. 55)."
                if "Art. 51" in gpai
                else "."
            )
        )
        if tier == "minimal_risk":
            tier = "general_purpose_ai_models"
    if transparency:
        basis += transparency
        reasoning += [f"{ref}: {labels[ref]}." for ref in transparency]
        if tier == "minimal_risk":
            tier = "transparency"
    if tier == "minimal_risk" and not basis:
        reasoning.append(
            "No prohibited practice, high-risk use, general-purpose model or Art. 50 case: minimal risk."
        )
    fria = _fria_required(tier, annex_iii if high_risk else [], operator_role, yes)
    if fria:
        reasoning.append(
            "Art. 27: a fundamental rights impact assessment is required before first use."
        )
    return _result(tier, True, basis, reasoning, fria, operator_role, yes)


def _fria_required(tier, annex_iii: list[str], operator_role: str, yes: dict) -> bool:
    """Art. 27: deployers of Annex III high-risk systems (point 2 excepted) that are
    public bodies or provide public services, and every deployer of 5(b) and 5(c)."""
    if tier != "high_risk" or operator_role != "deployer":
        return False
    points = [ref for ref in annex_iii if not ref.startswith("Annex III 2")]
    if not points:
        return False
    if any(ref in ("Annex III 5(b)", "Annex III 5(c)") for ref in points):
        return True
    return any(
        item["ref"] in yes for item in classification_rules()["deployer_categories"]
    )


def _result(tier, in_scope, basis, reasoning, fria, role, yes) -> ClassificationResult:
    result = ClassificationResult(tier, in_scope, basis, reasoning, fria)
    if in_scope:
        result.obligations = _obligations(result, role, yes)
    return result


def _obligations(result: ClassificationResult, role: str, yes: dict) -> list[str]:
    found: list[str] = []
    checklist = reference.checklist()
    for rule in classification_rules()["obligations"]:
        if role not in rule["roles"]:
            continue
        if "tiers" in rule and result.tier not in rule["tiers"]:
            continue
        if "when_basis" in rule and rule["when_basis"] not in result.basis:
            continue
        if "when_basis_prefix" in rule and not any(
            ref.startswith(rule["when_basis_prefix"]) for ref in result.basis
        ):
            continue
        if "when_answer" in rule and rule["when_answer"] not in yes:
            continue
        if rule.get("when_fria") and not result.fria_required:
            continue
        if "id" in rule:
            ids = [rule["id"]]
        elif "checklist" in rule:
            ids = [
                item["id"]
                for item in reference_data_checklist(rule["checklist"])
                if item["id"] not in rule.get("except", ())
            ]
        elif rule.get("annex_iv"):
            ids = [key for key in checklist if key.startswith("Annex IV ")]
        else:
            ids = rule["ids"]
        found += [i for i in ids if i not in found]
    return found


def reference_data_checklist(role: str) -> list[dict]:
    from aims.reference import reference_data

    return reference_data()["eu_ai_act_high_risk_obligations_checklist"][role]


def obligation_title(obligation_id: str) -> str:
    item = reference.checklist().get(obligation_id)
    if item is not None:
        return item["title"]
    for rule in classification_rules()["obligations"]:
        if rule.get("id") == obligation_id:
            return rule["title"]
    return obligation_id
