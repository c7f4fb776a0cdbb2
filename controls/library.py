"""Loads the control library and the crosswalks from the reference file, idempotently.

Titles, IDs and mappings come from ``aims/data/aims-reference.json``; the summaries,
evidence examples and default test frequencies are the project's own words, kept in
``controls/data/annex_a_guidance.json``.
"""

import json
from functools import cache
from pathlib import Path

from aims.reference import sync_record

from .choices import ControlSource, Framework
from .models import Control, ControlDomain, CrosswalkLink, Requirement
from .models.library import CUSTOM_DOMAIN

GUIDANCE_FILE = Path(__file__).parent / "data" / "annex_a_guidance.json"


@cache
def guidance() -> dict:
    return json.loads(GUIDANCE_FILE.read_text(encoding="utf-8"))


def load_library(reference: dict) -> int:
    """Create or update domains, Annex A controls, requirements and links; returns changes."""
    annex_a = reference["iso42001_annex_a"]
    own = guidance()
    changed = 0
    domains = {}
    for position, domain in enumerate(annex_a["domains"], start=1):
        values = {
            "title": domain["title"],
            "objective": own["domains"][domain["id"]]["objective"],
            "position": position,
        }
        domains[domain["id"]], created = sync_record(
            ControlDomain, {"code": domain["id"]}, values
        )
        changed += created
    _, created = sync_record(
        ControlDomain,
        {"code": CUSTOM_DOMAIN},
        {
            "title": "Organisation-specific controls",
            "objective": "Controls the organisation adds beyond Annex A.",
            "position": len(domains) + 1,
        },
    )
    changed += created
    for position, item in enumerate(annex_a["controls"], start=1):
        hints = own["controls"][item["id"]]
        _, created = sync_record(
            Control,
            {"control_id": item["id"]},
            {
                "domain": domains[item["domain"]],
                "title": item["title"],
                "summary": hints["summary"],
                "source": ControlSource.ANNEX_A,
                "evidence_examples": hints["evidence_examples"],
                "default_test_frequency_days": hints["test_frequency_days"],
                "position": position,
            },
        )
        changed += created
    changed += _load_requirements(reference)
    changed += _load_crosswalk(reference["crosswalk"]["mappings"])
    return changed


def _load_requirements(reference: dict) -> int:
    act = reference["eu_ai_act"]
    titles: dict[str, tuple[str, str]] = {}
    for group, key in (
        ("Provider obligations (high-risk)", "provider_obligations_high_risk"),
        ("Deployer obligations", "deployer_obligations"),
        ("Other articles", "other_relevant_articles"),
    ):
        for article in act[key]:
            titles.setdefault(article["article"], (article["title"], group))
    articles = set(titles)
    for mapping in reference["crosswalk"]["mappings"]:
        articles |= {link["article"] for link in mapping["eu_ai_act"]}
    changed = 0
    for position, article in enumerate(
        sorted(articles, key=lambda a: (int("".join(filter(str.isdigit, a)) or 0), a))
    ):
        title, group = titles.get(article, ("", "Other articles"))
        changed += sync_record(
            Requirement,
            {"framework": Framework.EU_AI_ACT, "ref": article},
            {"title": title, "group": group, "position": position},
        )[1]
    position = 0
    for function in reference["nist_ai_rmf"]["functions"]:
        for category in function["categories"]:
            position += 1
            changed += sync_record(
                Requirement,
                {"framework": Framework.NIST_AI_RMF, "ref": category["id"]},
                {
                    "title": category["title"],
                    "group": function["title"],
                    "position": position,
                },
            )[1]
    return changed


def _load_crosswalk(mappings: list[dict]) -> int:
    requirements = {(r.framework, r.ref): r for r in Requirement.objects.all()}
    controls = {c.control_id: c for c in Control.objects.all()}
    changed = 0
    for mapping in mappings:
        control = controls[mapping["iso_control"]]
        links = [
            (
                requirements[(Framework.EU_AI_ACT, link["article"])],
                "",
                link["basis"],
                link.get("why") or "",
            )
            for link in mapping["eu_ai_act"]
        ] + [
            (
                requirements[(Framework.NIST_AI_RMF, link["category"])],
                link.get("subcategory") or "",
                link["basis"],
                "",
            )
            for link in mapping["nist_ai_rmf"]
        ]
        for requirement, detail, basis, note in links:
            changed += sync_record(
                CrosswalkLink,
                {"control": control, "requirement": requirement, "detail": detail},
                {"basis": basis, "note": note[:300]},
            )[1]
    return changed
