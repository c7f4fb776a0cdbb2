"""Demo AI systems of a mid-sized insurer (idempotent: looked up by name)."""

import datetime

from django.utils import timezone

from aims.models import User

from .models import AIRole, AISystem, DataCategory
from .services import ai_system_save, tags_from_names

DEMO_SYSTEMS = [
    {
        "name": "CV screening assistant",
        "owner": "olivia",
        "business_unit": "Human Resources",
        "description": "Ranks incoming job applications against the role profile.",
        "intended_purpose": "Shortlist applicants for recruiter review; recruiters make every decision.",
        "lifecycle_stage": "deployed",
        "ai_roles": ["ai-customer"],
        "eu_operator_role": "deployer",
        "source": "third_party",
        "vendor": "HireSense Ltd",
        "model_type": "Gradient-boosted ranking model",
        "data_categories": ["employee", "personal"],
        "affected_stakeholders": "Job applicants, recruiters, hiring managers.",
        "geographies": "EU, UK",
        "automation_level": "in_the_loop",
        "human_oversight": "A recruiter reviews every shortlist and can add rejected applicants back.",
        "criticality": "high",
        "reviewed_days_ago": 200,
        "review_every_days": 180,
        "tags": ["HR", "customer-facing"],
    },
    {
        "name": "Claims fraud detection model",
        "owner": "omar",
        "business_unit": "Claims",
        "description": "Scores motor and home insurance claims for likelihood of fraud.",
        "intended_purpose": "Route suspicious claims to the special investigations unit.",
        "lifecycle_stage": "deployed",
        "ai_roles": ["ai-provider", "ai-producer"],
        "eu_operator_role": "provider",
        "source": "in_house",
        "model_type": "Gradient-boosted trees with SHAP explanations",
        "data_categories": ["financial", "personal", "behavioural"],
        "affected_stakeholders": "Policyholders making claims, claims handlers.",
        "geographies": "EU",
        "automation_level": "on_the_loop",
        "human_oversight": "Investigators confirm every referral before any claim is refused.",
        "criticality": "high",
        "reviewed_days_ago": 60,
        "review_every_days": 180,
        "tags": ["claims"],
    },
    {
        "name": "Customer service chatbot",
        "owner": "olivia",
        "business_unit": "Customer Service",
        "description": "Answers policy questions on the website and hands over to agents.",
        "intended_purpose": "Answer routine questions about policies and claims status.",
        "lifecycle_stage": "validation",
        "ai_roles": ["ai-customer", "ai-partner"],
        "eu_operator_role": "deployer",
        "source": "third_party",
        "vendor": "ChatWorks GmbH",
        "model_type": "Retrieval-augmented large language model",
        "foundation_model": "Commercial LLM via API",
        "data_categories": ["personal", "behavioural"],
        "affected_stakeholders": "Customers and prospects using the website.",
        "geographies": "EU, UK",
        "automation_level": "autonomous",
        "human_oversight": "Conversations hand over to an agent on request or low confidence.",
        "criticality": "medium",
        "reviewed_days_ago": 20,
        "review_every_days": 90,
        "tags": ["customer-facing", "generative"],
    },
    {
        "name": "Underwriting pricing assistant",
        "owner": "omar",
        "business_unit": "Underwriting",
        "description": "Suggests premium adjustments for commercial property risks.",
        "intended_purpose": "Support underwriters with a suggested price band and its drivers.",
        "lifecycle_stage": "development",
        "ai_roles": ["ai-producer"],
        "eu_operator_role": "provider",
        "source": "in_house",
        "model_type": "Generalised linear model with ML features",
        "data_categories": ["confidential", "sensor"],
        "affected_stakeholders": "Commercial clients, underwriters.",
        "geographies": "UK",
        "automation_level": "assistive",
        "human_oversight": "The underwriter sets the price; the suggestion is advisory.",
        "criticality": "medium",
        "reviewed_days_ago": None,
        "review_every_days": None,
        "tags": ["pricing"],
    },
    {
        "name": "Document summarisation pilot",
        "owner": None,
        "business_unit": "Legal",
        "description": "Idea: summarise long contracts for the legal team.",
        "intended_purpose": "Give lawyers a first summary of contract terms to check.",
        "lifecycle_stage": "idea",
        "ai_roles": ["ai-customer"],
        "source": "open_source",
        "model_type": "Open-weight language model",
        "foundation_model": "Open-weight 8B instruction model",
        "data_categories": ["confidential"],
        "geographies": "UK",
        "automation_level": "assistive",
        "criticality": "low",
        "reviewed_days_ago": None,
        "review_every_days": None,
        "tags": ["generative", "pilot"],
    },
]


def load_demo(users: dict[str, User]) -> int:
    created = 0
    today = timezone.localdate()
    for spec in DEMO_SYSTEMS:
        if AISystem.objects.filter(name=spec["name"]).exists():
            continue
        spec = dict(spec)
        owner = spec.pop("owner")
        roles = AIRole.objects.filter(slug__in=spec.pop("ai_roles"))
        categories = DataCategory.objects.filter(slug__in=spec.pop("data_categories"))
        tags = tags_from_names(spec.pop("tags"))
        reviewed, every = spec.pop("reviewed_days_ago"), spec.pop("review_every_days")
        system = AISystem(**spec, owner=users[owner] if owner else None)
        if reviewed is not None:
            system.last_review_date = today - datetime.timedelta(days=reviewed)
            system.next_review_date = system.last_review_date + datetime.timedelta(
                days=every
            )
        ai_system_save(
            system=system,
            actor=users["maria"],
            m2m={"ai_roles": roles, "data_categories": categories, "tags": tags},
        )
        created += 1
    from .life_demo import load_life_demo

    return created + load_life_demo(users)
