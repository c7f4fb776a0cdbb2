from django.urls import path

from aims.api.routes import Route

from .views import (
    AssessmentTemplateViewSet,
    ClassificationDryRunView,
    ClassificationViewSet,
    FRIAViewSet,
    ImpactAssessmentViewSet,
    ImpactViewSet,
    ObligationViewSet,
)

routes = [
    Route("impact-templates", AssessmentTemplateViewSet),
    Route("impact-assessments", ImpactAssessmentViewSet),
    Route("impacts", ImpactViewSet),
    Route("eu-ai-act/classifications", ClassificationViewSet),
    Route("eu-ai-act/obligations", ObligationViewSet),
    Route("frias", FRIAViewSet),
]

urlpatterns = [
    path(
        "eu-ai-act/classify/",
        ClassificationDryRunView.as_view(),
        name="api-eu-ai-act-classify",
    ),
]
