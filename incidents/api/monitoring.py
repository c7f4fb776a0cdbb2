"""API of post-market monitoring (EU AI Act Art. 72): plans, metrics, results."""

from rest_framework import serializers

from aims.api.serializers import AimsModelSerializer
from aims.api.viewsets import AimsModelViewSet
from aims.permissions import can

from ..models import MonitoringMetric, MonitoringPlan, MonitoringResult
from ..monitoring_filtersets import (
    MonitoringMetricFilterSet,
    MonitoringPlanFilterSet,
    MonitoringResultFilterSet,
)
from ..monitoring_services import (
    monitoring_metric_delete,
    monitoring_metric_save,
    monitoring_plan_delete,
    monitoring_plan_save,
    monitoring_result_delete,
    monitoring_result_save,
)

READ_ONLY = ["created", "updated", "created_by"]


class MonitoringPlanSerializer(AimsModelSerializer):
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = MonitoringPlan
        fields = [
            "id",
            "version",
            "ai_system",
            "scope",
            "data_collection",
            "responsible",
            "notes",
            "web_url",
            *READ_ONLY,
        ]
        read_only_fields = READ_ONLY


class MonitoringMetricSerializer(AimsModelSerializer):
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = MonitoringMetric
        fields = [
            "id",
            "version",
            "plan",
            "name",
            "method",
            "comparator",
            "threshold",
            "unit",
            "frequency_days",
            "responsible",
            "active",
            "next_due",
            "web_url",
            *READ_ONLY,
        ]
        read_only_fields = ["next_due", *READ_ONLY]


class MonitoringResultSerializer(AimsModelSerializer):
    class Meta:
        model = MonitoringResult
        fields = [
            "id",
            "version",
            "metric",
            "measured_on",
            "value",
            "notes",
            "evidence",
            "breached",
            "incident",
            *READ_ONLY,
        ]
        read_only_fields = ["breached", "incident", *READ_ONLY]

    def validate_evidence(self, evidence):
        user = self.context["request"].user
        if evidence is not None and not can(user, "view", evidence):
            raise serializers.ValidationError("Link only evidence you may see.")
        return evidence


class _MonitoringViewSet(AimsModelViewSet):
    # Adding is decided on the parent (the AI system), as on the pages.
    add_actions = ()


class MonitoringPlanViewSet(_MonitoringViewSet):
    """Post-market monitoring plans of high-risk AI systems (EU AI Act Art. 72)."""

    queryset = MonitoringPlan.objects.select_related("ai_system", "responsible")
    serializer_class = MonitoringPlanSerializer
    filterset_class = MonitoringPlanFilterSet
    ordering = ["ai_system"]

    def save_object(self, instance, m2m, expected_version):
        return monitoring_plan_save(
            plan=instance, actor=self.request.user, expected_version=expected_version
        )

    def perform_destroy(self, instance):
        monitoring_plan_delete(plan=instance, actor=self.request.user)


class MonitoringMetricViewSet(_MonitoringViewSet):
    """What a plan monitors: metric, threshold, frequency, responsible, next check."""

    queryset = MonitoringMetric.objects.select_related("plan", "responsible")
    serializer_class = MonitoringMetricSerializer
    filterset_class = MonitoringMetricFilterSet
    ordering_fields = ["next_due", "name", "updated"]
    ordering = ["next_due", "pk"]

    def save_object(self, instance, m2m, expected_version):
        return monitoring_metric_save(
            metric=instance, actor=self.request.user, expected_version=expected_version
        )

    def perform_destroy(self, instance):
        monitoring_metric_delete(metric=instance, actor=self.request.user)


class MonitoringResultViewSet(_MonitoringViewSet):
    """Results recorded against a metric. A value outside the threshold is marked
    ``breached`` and opens an incident awaiting triage (``incident``)."""

    queryset = MonitoringResult.objects.select_related("metric")
    serializer_class = MonitoringResultSerializer
    filterset_class = MonitoringResultFilterSet
    ordering_fields = ["measured_on", "updated"]
    ordering = ["-measured_on", "-pk"]

    def perform_update(self, serializer):
        metric = serializer.validated_data.get("metric")
        if metric is not None and metric.pk != serializer.instance.metric_id:
            from django.core.exceptions import ValidationError

            raise ValidationError({"metric": "A result stays with its metric."})
        super().perform_update(serializer)

    def save_object(self, instance, m2m, expected_version):
        return monitoring_result_save(
            result=instance, actor=self.request.user, expected_version=expected_version
        )

    def perform_destroy(self, instance):
        monitoring_result_delete(result=instance, actor=self.request.user)
