"""The register's spreadsheet columns: the same headers are exported and imported."""

from aims.exports import Column, Exporter

# (header, model field). Choice fields are exported as their labels; the import accepts
# labels or stored values.
COLUMNS = [
    ("Reference", "reference"),
    ("Name", "name"),
    ("Description", "description"),
    ("Intended purpose", "intended_purpose"),
    ("Business unit", "business_unit"),
    ("Owner", "owner"),
    ("Lifecycle stage", "lifecycle_stage"),
    ("AI roles", "ai_roles"),
    ("EU operator role", "eu_operator_role"),
    ("Source", "source"),
    ("Vendor", "vendor"),
    ("Model type", "model_type"),
    ("Foundation model", "foundation_model"),
    ("Data categories", "data_categories"),
    ("Affected stakeholders", "affected_stakeholders"),
    ("Geographies", "geographies"),
    ("Automation level", "automation_level"),
    ("Human oversight", "human_oversight"),
    ("Criticality", "criticality"),
    ("EU AI Act risk tier", "eu_risk_tier"),
    ("Last review", "last_review_date"),
    ("Next review", "next_review_date"),
    ("Tags", "tags"),
]
CHOICE_FIELDS = {
    "lifecycle_stage",
    "eu_operator_role",
    "source",
    "automation_level",
    "criticality",
    "eu_risk_tier",
}
M2M_FIELDS = {"ai_roles", "data_categories", "tags"}


def _getter(field):
    if field in CHOICE_FIELDS:
        return lambda obj: getattr(obj, f"get_{field}_display")()
    if field in M2M_FIELDS:
        return lambda obj: [str(item) for item in getattr(obj, field).all()]
    if field == "owner":
        return lambda obj: obj.owner.username if obj.owner else ""
    return lambda obj: getattr(obj, field)


ai_system_exporter = Exporter(
    [Column(header, _getter(field)) for header, field in COLUMNS],
    prepare=lambda rows: rows.select_related("owner").prefetch_related(
        "ai_roles", "data_categories", "tags"
    ),
)
