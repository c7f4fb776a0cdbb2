from django.urls import path

from aims.views.urls import model_urls

from . import views
from .models import Risk

app_name = "risk"

urlpatterns = [
    path("criteria/", views.RiskCriteriaListView.as_view(), name="riskcriteria_list"),
    path(
        "criteria/new/",
        views.RiskCriteriaPublishView.as_view(),
        name="riskcriteria_publish",
    ),
    path(
        "criteria/<int:pk>/",
        views.RiskCriteriaDetailView.as_view(),
        name="riskcriteria_detail",
    ),
    path(
        "<int:pk>/status/", views.RiskTransitionView.as_view(), name="risk_transition"
    ),
    path("<int:pk>/accept/", views.RiskAcceptView.as_view(), name="risk_accept"),
    path("<int:pk>/review/", views.RiskReviewView.as_view(), name="risk_review"),
    path(
        "<int:risk_pk>/actions/add/",
        views.TreatmentActionEditView.as_view(),
        name="treatmentaction_add",
    ),
    path(
        "actions/<int:pk>/edit/",
        views.TreatmentActionEditView.as_view(),
        name="treatmentaction_edit",
    ),
    path(
        "actions/<int:pk>/delete/",
        views.TreatmentActionDeleteView.as_view(),
        name="treatmentaction_delete",
    ),
    *model_urls(
        Risk,
        list=views.RiskListView,
        detail=views.RiskDetailView,
        edit=views.RiskEditView,
        delete=views.RiskDeleteView,
    ),
]
