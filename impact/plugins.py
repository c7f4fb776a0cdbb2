"""How the impact app plugs into the portal's registries (called from ``ImpactConfig.ready``)."""

from aims.events import register_events

EVENTS = {
    "impacttemplate.published": "Impact assessment template published",
    "impactassessment.started": "Impact assessment started",
    "impactassessment.submitted": "Impact assessment submitted",
    "impactassessment.returned": "Impact assessment returned to draft",
    "impactassessment.approved": "Impact assessment approved",
    "impactassessment.superseded": "Impact assessment superseded",
    "impactassessment.revision_started": "Impact assessment revision started",
    "impact.risk_created": "Risk created from an impact",
    "impact.review_needed": "Review needed after a change",
    "classification.recorded": "EU AI Act classification recorded",
    "classification.overridden": "EU AI Act tier set by hand",
    "fria.notified": "FRIA notified to the authority",
}


def register() -> None:
    register_events(EVENTS)
