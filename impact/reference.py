"""Facts this app reads from the shared reference file (EU AI Act, FRIA, ISO/IEC 42005)."""

from functools import cache

from aims.reference import reference_data

__all__ = [
    "annex_iii_points",
    "charter_rights",
    "checklist",
    "fria_elements",
    "key_dates",
    "pending_changes",
    "prohibited_practices",
    "tier_bases",
    "transparency_cases",
]


def _tier(name: str) -> dict:
    for tier in reference_data()["eu_ai_act"]["risk_tiers"]:
        if tier["tier"] == name:
            return tier
    raise KeyError(name)


@cache
def prohibited_practices() -> list[dict]:
    return _tier("prohibited")["practices"]


@cache
def annex_iii_points() -> list[dict]:
    """Each Annex III point with its area, keyed as "Annex III 4(a)"."""
    routes = _tier("high_risk")["routes"]
    annex_iii = next(r for r in routes if r["route"].startswith("Annex III"))
    return [
        {
            "ref": f"Annex III {point['ref']}",
            "title": point["title"],
            "area": area["id"],
            "area_title": area["title"],
        }
        for area in annex_iii["areas"]
        for point in area["points"]
    ]


@cache
def transparency_cases() -> list[dict]:
    return _tier("transparency")["obligations"]


@cache
def tier_bases() -> dict[str, str]:
    return {t["tier"]: t["basis"] for t in reference_data()["eu_ai_act"]["risk_tiers"]}


@cache
def charter_rights() -> dict[str, str]:
    return {
        right["charter_article"]: right["title"]
        for right in reference_data()["eu_ai_act_fria"][
            "charter_rights_commonly_assessed"
        ]
    }


@cache
def fria_elements() -> list[dict]:
    return reference_data()["eu_ai_act_fria"]["elements"]


@cache
def checklist() -> dict[str, dict]:
    """Checklist items by id (P-09, D-26.1, ...) and the Annex IV points ("Annex IV 1")."""
    data = reference_data()["eu_ai_act_high_risk_obligations_checklist"]
    items = {item["id"]: item for item in [*data["provider"], *data["deployer"]]}
    for point in data["annex_iv_technical_documentation"]:
        items[f"Annex IV {point['point']}"] = {
            "id": f"Annex IV {point['point']}",
            "article": "11 + Annex IV",
            "title": f"Technical documentation: {point['title']}",
            "role": "provider",
        }
    return items


def key_dates() -> list[dict]:
    return reference_data()["eu_ai_act"]["key_dates"]


def pending_changes() -> dict:
    return reference_data()["eu_ai_act"]["pending_changes_digital_omnibus"]
