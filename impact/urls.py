from django.urls import path

from aims.views.urls import model_urls

from . import views
from .models import ImpactAssessment

app_name = "impact"

urlpatterns = [
    path(
        "start/<int:system_pk>/",
        views.AssessmentStartView.as_view(),
        name="impactassessment_start",
    ),
    path(
        "<int:pk>/answers/",
        views.QuestionnaireView.as_view(),
        name="impactassessment_answers",
    ),
    path(
        "<int:pk>/submit/",
        views.AssessmentSubmitView.as_view(),
        name="impactassessment_submit",
    ),
    path(
        "<int:pk>/return/",
        views.AssessmentReturnView.as_view(),
        name="impactassessment_return",
    ),
    path(
        "<int:pk>/approve/",
        views.AssessmentApproveView.as_view(),
        name="impactassessment_approve",
    ),
    path(
        "<int:pk>/revise/",
        views.AssessmentReviseView.as_view(),
        name="impactassessment_revise",
    ),
    path(
        "<int:pk>/compare/",
        views.AssessmentCompareView.as_view(),
        name="impactassessment_compare",
    ),
    path(
        "<int:assessment_pk>/impacts/add/",
        views.ImpactEditView.as_view(),
        name="impact_add",
    ),
    path("impacts/<int:pk>/edit/", views.ImpactEditView.as_view(), name="impact_edit"),
    path(
        "impacts/<int:pk>/delete/",
        views.ImpactDeleteView.as_view(),
        name="impact_delete",
    ),
    path("impacts/<int:pk>/risk/", views.ImpactRiskView.as_view(), name="impact_risk"),
    path(
        "classifications/",
        views.ClassificationListView.as_view(),
        name="classification_list",
    ),
    path(
        "classifications/<int:pk>/",
        views.ClassificationDetailView.as_view(),
        name="classification_detail",
    ),
    path("classify/<int:system_pk>/", views.ClassifyView.as_view(), name="classify"),
    path(
        "classify/<int:system_pk>/override/",
        views.OverrideView.as_view(),
        name="classification_override",
    ),
    path(
        "obligations/<int:pk>/edit/",
        views.ObligationEditView.as_view(),
        name="obligation_edit",
    ),
    path("fria/<int:system_pk>/", views.FRIAEditView.as_view(), name="fria_edit"),
    path("templates/", views.TemplateListView.as_view(), name="template_list"),
    path(
        "templates/new/", views.TemplatePublishView.as_view(), name="template_publish"
    ),
    path(
        "templates/<int:pk>/",
        views.TemplateDetailView.as_view(),
        name="template_detail",
    ),
    *model_urls(
        ImpactAssessment,
        list=views.ImpactAssessmentListView,
        detail=views.ImpactAssessmentDetailView,
        edit=views.ImpactAssessmentEditView,
        delete=views.ImpactAssessmentDeleteView,
    ),
]
