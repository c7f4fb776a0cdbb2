"""Lifecycle sanity rule the impact app knows (``aims.record_tabs.register_check``)."""

from .choices import AssessmentStatus


def system_checks(system) -> list[str]:
    from .models import ImpactAssessment

    if system.lifecycle_stage != "deployed":
        return []
    approved = ImpactAssessment.objects.filter(
        ai_system=system, status=AssessmentStatus.APPROVED
    ).exists()
    if approved:
        return []
    return [
        "The system is deployed without an approved impact assessment: assess its "
        "impacts on people and society before or right after deployment "
        "(ISO/IEC 42001 6.1.4, 8.4)."
    ]
