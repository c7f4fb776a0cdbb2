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


# The life of an AI system (ISO/IEC 42001 A.4, A.6, A.7, A.10)


class SupplyKind(models.TextChoices):
    MODEL = "model", "Model"
    DATA = "data", "Data"
    PLATFORM = "platform", "Platform or computing"
    SERVICE = "service", "Service"
    TOOL = "tool", "Tool or library"


class ReviewResult(models.TextChoices):
    SATISFACTORY = "satisfactory", "Satisfactory"
    CONDITIONS = "conditions", "Satisfactory with conditions"
    UNSATISFACTORY = "unsatisfactory", "Unsatisfactory"


class DatasetSource(models.TextChoices):
    INTERNAL = "internal", "Collected internally"
    SUPPLIER = "supplier", "Obtained from a supplier"
    PUBLIC = "public", "Public or open data"
    SYNTHETIC = "synthetic", "Synthetic"


class DatasetRole(models.TextChoices):
    TRAINING = "training", "Training"
    VALIDATION = "validation", "Validation"
    TEST = "test", "Test"
    PRODUCTION_INPUT = "production_input", "Production input"
    REFERENCE = "reference", "Reference"


class ProvenanceKind(models.TextChoices):
    ORIGIN = "origin", "Origin or collection"
    TRANSFORMATION = "transformation", "Transformation"
    LABELLING = "labelling", "Labelling or annotation"
    CLEANING = "cleaning", "Cleaning"
    MERGE = "merge", "Merge or split"
    DELETION = "deletion", "Deletion"


class QualityCharacteristic(models.TextChoices):
    COMPLETENESS = "completeness", "Completeness"
    ACCURACY = "accuracy", "Accuracy"
    REPRESENTATIVENESS = "representativeness", "Representativeness"
    TIMELINESS = "timeliness", "Timeliness"
    CONSISTENCY = "consistency", "Consistency"
    BIAS = "bias", "Bias and fairness"
    OTHER = "other", "Other"


class Comparator(models.TextChoices):
    AT_LEAST = "gte", "at least"
    AT_MOST = "lte", "at most"


class ResourceKind(models.TextChoices):
    MODEL = "model", "Model (A.4.4)"
    LIBRARY = "library", "Library or framework (A.4.4)"
    TOOL = "tool", "Tool (A.4.4)"
    COMPUTING = "computing", "System and computing resource (A.4.5)"
    HUMAN = "human", "Human resource and competence (A.4.6)"


class ResponsibleParty(models.TextChoices):
    ORGANISATION = "organisation", "The organisation"
    SUPPLIER = "supplier", "Supplier"
    CUSTOMER = "customer", "Customer"
    SHARED = "shared", "Shared"


class ResponsibilityKind(models.TextChoices):
    ALLOCATION = "allocation", "Allocated responsibility (A.10.2)"
    CUSTOMER_COMMITMENT = "customer_commitment", "Commitment to customers (A.10.4)"


class LifecycleRecordKind(models.TextChoices):
    REQUIREMENTS = "requirements", "Requirements and specification (A.6.2.2)"
    DESIGN = "design", "Design and development (A.6.2.3)"
    VV_PLAN = "vv_plan", "Verification and validation plan (A.6.2.4)"
    DEPLOYMENT_PLAN = "deployment_plan", "Deployment plan (A.6.2.5)"
    MONITORING_PLAN = "monitoring_plan", "Operation and monitoring plan (A.6.2.6)"
    TECHNICAL_DOCUMENTATION = (
        "technical_documentation",
        "Technical documentation (A.6.2.7)",
    )
    EVENT_LOGS = "event_logs", "Event-log configuration (A.6.2.8)"


class ReleaseStatus(models.TextChoices):
    RELEASED = "released", "Released: gate met"
    OVERRIDDEN = "overridden", "Released on the committee's override"
class ReviewInterval(models.IntegerChoices):
    """Months between reviews of an AI system."""

    QUARTERLY = 3, "Quarterly"
    HALF_YEARLY = 6, "Every six months"
    YEARLY = 12, "Yearly"
    TWO_YEARLY = 24, "Every two years"
