from django.db import models


class LifecycleStage(models.TextChoices):
    IDEA = "idea", "Idea"
    DESIGN = "design", "Design"
    DEVELOPMENT = "development", "Development"
    VALIDATION = "validation", "Validation"
    DEPLOYED = "deployed", "Deployed"
    RETIRED = "retired", "Retired"


class EUOperatorRole(models.TextChoices):
    """Operator roles of the EU AI Act (Art. 3)."""

    PROVIDER = "provider", "Provider"
    DEPLOYER = "deployer", "Deployer"
    IMPORTER = "importer", "Importer"
    DISTRIBUTOR = "distributor", "Distributor"
    PRODUCT_MANUFACTURER = "product_manufacturer", "Product manufacturer"


class Source(models.TextChoices):
    IN_HOUSE = "in_house", "Built in-house"
    THIRD_PARTY = "third_party", "Third-party product"
    OPEN_SOURCE = "open_source", "Open-source model"


class AutomationLevel(models.TextChoices):
    ASSISTIVE = "assistive", "Assistive: a person decides, the system informs"
    HUMAN_IN_THE_LOOP = (
        "in_the_loop",
        "Human in the loop: a person approves each decision",
    )
    HUMAN_ON_THE_LOOP = (
        "on_the_loop",
        "Human on the loop: a person monitors and can intervene",
    )
    AUTONOMOUS = "autonomous", "Autonomous: decisions take effect without a person"


class Criticality(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class EURiskTier(models.TextChoices):
    """EU AI Act risk tiers; the values are the tier ids of the reference data."""

    UNCLASSIFIED = "unclassified", "Unclassified (not yet assessed)"
    PROHIBITED = "prohibited", "Prohibited practice (Art. 5)"
    HIGH_RISK = "high_risk", "High-risk (Art. 6)"
    TRANSPARENCY = "transparency", "Transparency obligations (Art. 50)"
    GPAI = "general_purpose_ai_models", "General-purpose AI model (Chapter V)"
    MINIMAL_RISK = "minimal_risk", "Minimal risk"


class ReviewInterval(models.IntegerChoices):
    """Months between reviews of an AI system."""

    QUARTERLY = 3, "Quarterly"
    HALF_YEARLY = 6, "Every six months"
    YEARLY = 12, "Yearly"
    TWO_YEARLY = 24, "Every two years"
