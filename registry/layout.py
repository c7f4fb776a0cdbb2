"""How an AI system's fields are grouped, on the detail page and in the form alike."""

FIELDSETS = [
    (
        "Identification",
        [
            "reference",
            "name",
            "description",
            "intended_purpose",
            "business_unit",
            "owner",
            "tags",
        ],
    ),
    (
        "Lifecycle and review",
        [
            "lifecycle_stage",
            "criticality",
            "review_interval",
            "last_review_date",
            "next_review_date",
        ],
    ),
    (
        "Roles and regulation",
        ["ai_roles", "eu_operator_role", "eu_risk_tier", "geographies"],
    ),
    ("Technology and sourcing", ["source", "vendor", "model_type", "foundation_model"]),
    (
        "Data, people and oversight",
        [
            "data_categories",
            "affected_stakeholders",
            "automation_level",
            "human_oversight",
        ],
    ),
]
