"""The EU AI Act classification, table-driven: every tier, every Art. 5 practice,
Annex III points, the Art. 6(3) derogation with and without profiling, Art. 50 cases
and general-purpose models; the dry-run API gives the same answer as the function."""

import pytest
from django.core.exceptions import ValidationError

from impact.classification import classify

DOC = {
    "Art. 6(4)": "Only checks the completeness of application forms; documented 2026-03-01."
}

CASES = [
    # (id, answers, operator role, tier, basis that must be present, fria)
    ("nothing", {}, "deployer", "minimal_risk", [], False),
    (
        "all no",
        {"Art. 5(1)(a)": False, "Annex III 4(a)": False},
        "provider",
        "minimal_risk",
        [],
        False,
    ),
    *[
        (
            f"art5-{letter}",
            {f"Art. 5(1)({letter})": True},
            "provider",
            "prohibited",
            [f"Art. 5(1)({letter})"],
            False,
        )
        for letter in "abcdefgh"
    ],
    (
        "prohibited beats high-risk",
        {"Art. 5(1)(c)": True, "Annex III 5(a)": True},
        "deployer",
        "prohibited",
        ["Art. 5(1)(c)", "Annex III 5(a)"],
        False,
    ),
    (
        "annex I",
        {"Annex I": True},
        "product_manufacturer",
        "high_risk",
        ["Art. 6(1)", "Annex I"],
        False,
    ),
    (
        "cv screening provider",
        {"Annex III 4(a)": True},
        "provider",
        "high_risk",
        ["Art. 6(2)", "Annex III 4(a)"],
        False,
    ),
    (
        "cv screening private deployer",
        {"Annex III 4(a)": True},
        "deployer",
        "high_risk",
        ["Annex III 4(a)"],
        False,
    ),
    (
        "cv screening public body",
        {"Annex III 4(a)": True, "Art. 27 public body": True},
        "deployer",
        "high_risk",
        ["Annex III 4(a)"],
        True,
    ),
    (
        "benefits public service",
        {"Annex III 5(a)": True, "Art. 27 public service": True},
        "deployer",
        "high_risk",
        ["Annex III 5(a)"],
        True,
    ),
    (
        "credit scoring deployer",
        {"Annex III 5(b)": True},
        "deployer",
        "high_risk",
        ["Annex III 5(b)"],
        True,
    ),
    (
        "life insurance pricing deployer",
        {"Annex III 5(c)": True},
        "deployer",
        "high_risk",
        ["Annex III 5(c)"],
        True,
    ),
    (
        "credit scoring provider",
        {"Annex III 5(b)": True},
        "provider",
        "high_risk",
        ["Annex III 5(b)"],
        False,
    ),
    (
        "critical infrastructure public body",
        {"Annex III 2(a)": True, "Art. 27 public body": True},
        "deployer",
        "high_risk",
        ["Annex III 2(a)"],
        False,
    ),
    (
        "biometric id",
        {"Annex III 1(a)": True},
        "deployer",
        "high_risk",
        ["Annex III 1(a)"],
        False,
    ),
    (
        "education",
        {"Annex III 3(b)": True},
        "provider",
        "high_risk",
        ["Annex III 3(b)"],
        False,
    ),
    (
        "justice",
        {"Annex III 8(a)": True},
        "deployer",
        "high_risk",
        ["Annex III 8(a)"],
        False,
    ),
    (
        "migration",
        {"Annex III 7(c)": True},
        "deployer",
        "high_risk",
        ["Annex III 7(c)"],
        False,
    ),
    (
        "derogation narrow task",
        {"Annex III 4(a)": True, "Art. 6(3)(a)": True, **DOC},
        "provider",
        "minimal_risk",
        ["Art. 6(3)(a)", "Art. 6(4)"],
        False,
    ),
    (
        "derogation preparatory + chatbot",
        {"Annex III 3(a)": True, "Art. 6(3)(d)": True, "Art. 50(1)": True, **DOC},
        "provider",
        "transparency",
        ["Art. 6(3)(d)", "Art. 50(1)"],
        False,
    ),
    (
        "profiling without derogation",
        {"Annex III 4(b)": True, "Art. 6(3) profiling": True},
        "deployer",
        "high_risk",
        ["Annex III 4(b)"],
        False,
    ),
    (
        "chatbot",
        {"Art. 50(1)": True},
        "provider",
        "transparency",
        ["Art. 50(1)"],
        False,
    ),
    (
        "synthetic media marking",
        {"Art. 50(2)": True},
        "provider",
        "transparency",
        ["Art. 50(2)"],
        False,
    ),
    (
        "emotion recognition notice",
        {"Art. 50(3)": True},
        "deployer",
        "transparency",
        ["Art. 50(3)"],
        False,
    ),
    (
        "deep fakes",
        {"Art. 50(4)": True},
        "deployer",
        "transparency",
        ["Art. 50(4)"],
        False,
    ),
    (
        "high-risk with Art. 50 duty",
        {"Annex III 4(a)": True, "Art. 50(1)": True},
        "provider",
        "high_risk",
        ["Annex III 4(a)", "Art. 50(1)"],
        False,
    ),
    (
        "gpai",
        {"Art. 53": True},
        "provider",
        "general_purpose_ai_models",
        ["Art. 53"],
        False,
    ),
    (
        "gpai systemic",
        {"Art. 53": True, "Art. 51": True},
        "provider",
        "general_purpose_ai_models",
        ["Art. 51"],
        False,
    ),
    (
        "gpai chatbot",
        {"Art. 53": True, "Art. 50(1)": True},
        "provider",
        "general_purpose_ai_models",
        ["Art. 53", "Art. 50(1)"],
        False,
    ),
    (
        "military",
        {"Art. 2(3)": True, "Annex III 6(a)": True},
        "provider",
        "minimal_risk",
        ["Art. 2(3)"],
        False,
    ),
    (
        "research only",
        {"Art. 2(6)": True},
        "provider",
        "minimal_risk",
        ["Art. 2(6)"],
        False,
    ),
    (
        "open source but high-risk",
        {"Art. 2(12)": True, "Annex III 4(a)": True},
        "provider",
        "high_risk",
        ["Annex III 4(a)"],
        False,
    ),
]


@pytest.mark.parametrize(
    "answers, role, tier, basis, fria",
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_classification_table(answers, role, tier, basis, fria):
    result = classify(answers, role)
    assert result.tier == tier
    assert set(basis) <= set(result.basis)
    assert result.fria_required is fria
    assert result.reasoning


def test_every_tier_is_covered():
    assert {c[3] for c in CASES} == {
        "prohibited",
        "high_risk",
        "transparency",
        "general_purpose_ai_models",
        "minimal_risk",
    }


@pytest.mark.parametrize(
    "answers, field",
    [
        (
            {
                "Annex III 4(a)": True,
                "Art. 6(3)(a)": True,
                "Art. 6(3) profiling": True,
                **DOC,
            },
            "Art. 6(3)(a)",
        ),
        ({"Annex III 4(a)": True, "Art. 6(3)(b)": True}, "Art. 6(4)"),
        ({"Art. 6(3)(c)": True, **DOC}, "Art. 6(3)(c)"),
        ({"Art. 51": True}, "Art. 51"),
        ({"Annex III 4(a)": "yes"}, "Annex III 4(a)"),
        ({"Annex III 9(z)": True, "Art. 99": True}, "answers"),
    ],
    ids=[
        "derogation for profiling",
        "derogation undocumented",
        "derogation without annex III",
        "systemic without gpai",
        "not a boolean",
        "unknown ids",
    ],
)
def test_contradictions_are_refused_by_field(answers, field):
    with pytest.raises(ValidationError) as caught:
        classify(answers, "provider")
    assert field in caught.value.message_dict


def test_unknown_ids_are_named():
    with pytest.raises(ValidationError) as caught:
        classify({"Annex III 9(z)": True}, "provider")
    assert "Annex III 9(z)" in caught.value.message_dict["answers"][0]


def test_obligations_follow_role_and_tier():
    provider = classify({"Annex III 4(a)": True}, "provider").obligations
    assert {"P-09", "P-11", "P-43", "Annex IV 1", "P-04"} <= set(provider)
    assert not any(o.startswith("D-") for o in provider)
    deployer = classify({"Annex III 4(a)": True}, "deployer").obligations
    assert {"D-26.1", "D-26.7", "D-04"} <= set(deployer)
    assert "D-27" not in deployer
    public = classify(
        {"Annex III 4(a)": True, "Art. 27 public body": True}, "deployer"
    ).obligations
    assert {"D-27", "D-49.3"} <= set(public)
    chatbot = classify({"Art. 50(1)": True}, "provider").obligations
    assert "Art. 50(1)" in chatbot and "P-09" not in chatbot
    assert classify({"Art. 5(1)(a)": True}, "deployer").obligations == ["Art. 5"]
    assert (
        "P-49"
        in classify(
            {"Annex III 4(a)": True, "Art. 6(3)(a)": True, **DOC}, "provider"
        ).obligations
    )


@pytest.mark.parametrize(
    "answers, role, fria",
    [
        ({"Annex III 4(a)": True, "Art. 27 public body": True}, "deployer", True),
        ({"Annex III 4(a)": True, "Art. 27 public service": True}, "deployer", True),
        ({"Annex III 5(b)": True}, "deployer", True),
        ({"Annex III 5(c)": True}, "deployer", True),
        ({"Annex III 4(a)": True}, "deployer", False),
        ({"Annex III 5(b)": True}, "provider", False),
        ({"Annex III 2(a)": True, "Art. 27 public body": True}, "deployer", False),
        ({"Annex I": True, "Art. 27 public body": True}, "deployer", False),
    ],
    ids=[
        "public body",
        "public service",
        "credit scoring",
        "insurance pricing",
        "private deployer",
        "provider",
        "critical infrastructure",
        "annex I only",
    ],
)
def test_fria_required_per_deployer_category(answers, role, fria):
    assert classify(answers, role).fria_required is fria
