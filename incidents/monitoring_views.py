"""Pages of post-market monitoring (EU AI Act Art. 72): plans, metrics, results."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from aims.permissions import can, visible_to
from aims.reference import reference_data
from aims.views import generic
from controls.models import Evidence
from registry.models import AISystem

from .models import MonitoringMetric, MonitoringPlan, MonitoringResult
from .monitoring_filtersets import MonitoringMetricFilterSet, MonitoringPlanFilterSet
from .monitoring_forms import (
    MonitoringMetricForm,
    MonitoringPlanForm,
    MonitoringResultForm,
)
from .monitoring_services import (
    monitoring_metric_delete,
    monitoring_metric_save,
    monitoring_plan_delete,
    monitoring_plan_save,
    monitoring_result_delete,
    monitoring_result_save,
)
from .monitoring_tables import MonitoringMetricTable, MonitoringPlanTable

# How many results a metric's page lists (the newest); the API pages through all.
RESULTS_SHOWN = 50


def art_72() -> dict:
    """What the reference data says of Art. 72, for the pages and the pack."""
    return reference_data()["eu_ai_act_incident_reporting"].get(
        "post_market_monitoring_art_72", {}
    )


def _may_change_any_system(user) -> bool:
    return visible_to(AISystem.objects.all(), user, "change").exists()


# Plans


class MonitoringPlanListView(generic.ObjectListView):
    queryset = MonitoringPlan.objects.select_related("ai_system", "responsible")
    filterset_class = MonitoringPlanFilterSet
    table_class = MonitoringPlanTable

    def get_queryset(self):
        overdue = Q(metrics__active=True, metrics__next_due__lt=timezone.localdate())
        return (
            super()
            .get_queryset()
            .annotate(
                metric_count=Count("metrics", distinct=True),
                overdue_count=Count("metrics", filter=overdue, distinct=True),
            )
        )

    def base_context(self, **extra):
        context = super().base_context(**extra)
        context["can_add"] = _may_change_any_system(self.request.user)
        return context


class MonitoringPlanDetailView(generic.ObjectDetailView):
    queryset = MonitoringPlan.objects.select_related("ai_system", "responsible")
    fieldsets = [
        ("Plan (EU AI Act Art. 72)", ["ai_system", "scope", "data_collection"]),
        ("Running it", ["responsible", "notes"]),
    ]

    def get_extra_context(self, plan):
        return {
            "metrics": plan.metrics.with_latest().select_related("responsible"),
            "may_change": can(self.request.user, "change", plan),
            "art_72": art_72(),
        }


class MonitoringPlanEditView(generic.ObjectEditView):
    queryset = MonitoringPlan.objects.select_related("ai_system")
    form_class = MonitoringPlanForm

    def new_object(self, **kwargs):
        if not _may_change_any_system(self.request.user):
            raise PermissionDenied("You may not change any AI system.")
        return MonitoringPlan()

    def get_initial(self):
        system = self.request.GET.get("ai_system", "")
        return {
            "ai_system": system if system.isdigit() else None,
            "responsible": self.request.user.pk,
        }

    def save(self, form):
        return monitoring_plan_save(
            plan=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )


class MonitoringPlanDeleteView(generic.ObjectDeleteView):
    queryset = MonitoringPlan.objects.select_related("ai_system")

    def delete(self, obj):
        monitoring_plan_delete(plan=obj, actor=self.request.user)


# Metrics


class MonitoringMetricListView(generic.ObjectListView):
    queryset = (
        MonitoringMetric.objects.with_latest()
        .select_related("plan__ai_system", "responsible")
        .order_by("next_due", "pk")
    )
    filterset_class = MonitoringMetricFilterSet
    table_class = MonitoringMetricTable

    def base_context(self, **extra):
        context = super().base_context(**extra)
        context["can_add"] = _may_change_any_system(self.request.user)
        return context


class MonitoringMetricDetailView(generic.ObjectDetailView):
    queryset = MonitoringMetric.objects.select_related(
        "plan__ai_system", "plan__responsible", "responsible"
    )
    fieldsets = [
        ("What is monitored", ["plan", "name", "method"]),
        ("Threshold", ["comparator", "threshold", "unit"]),
        (
            "How often and by whom",
            ["frequency_days", "responsible", "next_due", "active"],
        ),
    ]

    def get_extra_context(self, metric):
        user = self.request.user
        results = metric.results.select_related("evidence", "incident", "created_by")
        evidence_ids = metric.results.exclude(evidence=None).values("evidence_id")
        return {
            "results": results[:RESULTS_SHOWN],
            "result_count": metric.results.count(),
            "results_shown": RESULTS_SHOWN,
            "may_change": can(user, "change", metric),
            # An incident or evidence item is named only to those who may see it.
            "visible_incidents": set(
                visible_to(
                    metric.plan.ai_system.incidents.filter(
                        monitoring_results__metric=metric
                    ),
                    user,
                ).values_list("pk", flat=True)
            ),
            "visible_evidence": set(
                visible_to(
                    Evidence.objects.filter(pk__in=evidence_ids), user
                ).values_list("pk", flat=True)
            ),
        }


class MonitoringMetricEditView(generic.ObjectEditView):
    queryset = MonitoringMetric.objects.select_related("plan__ai_system")
    form_class = MonitoringMetricForm

    def new_object(self, **kwargs):
        if not _may_change_any_system(self.request.user):
            raise PermissionDenied("You may not change any AI system.")
        return MonitoringMetric()

    def get_initial(self):
        plan = self.request.GET.get("plan", "")
        return {"plan": plan if plan.isdigit() else None}

    def save(self, form):
        return monitoring_metric_save(
            metric=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )


class MonitoringMetricDeleteView(generic.ObjectDeleteView):
    queryset = MonitoringMetric.objects.select_related("plan__ai_system")

    def delete(self, obj):
        monitoring_metric_delete(metric=obj, actor=self.request.user)


# Results


class MonitoringResultEditView(generic.ObjectEditView):
    """Record (under /monitoring/metrics/<metric>/results/add/) or edit a result."""

    queryset = MonitoringResult.objects.select_related("metric__plan__ai_system")
    form_class = MonitoringResultForm

    def new_object(self, metric_pk):
        metric = get_object_or_404(
            visible_to(
                MonitoringMetric.objects.select_related("plan__ai_system"),
                self.request.user,
            ),
            pk=metric_pk,
        )
        if not can(self.request.user, "change", metric):
            raise PermissionDenied("You may not record results of this metric.")
        return MonitoringResult(metric=metric, measured_on=timezone.localdate())

    def get_initial(self):
        return {"measured_on": timezone.localdate()}

    def save(self, form):
        had_incident = form.instance.incident_id is not None
        result = monitoring_result_save(
            result=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )
        if result.incident_id and not had_incident:
            messages.warning(
                self.request,
                f"The threshold is breached: {result.incident.reference} was opened "
                "for triage.",
            )
        return result


class MonitoringResultDeleteView(generic.ObjectDeleteView):
    queryset = MonitoringResult.objects.select_related("metric__plan__ai_system")

    def post(self, request, pk):
        result = self.get_object(pk=pk)
        url = result.get_absolute_url()
        monitoring_result_delete(result=result, actor=request.user)
        messages.success(request, "Deleted the monitoring result.")
        return redirect(url)
