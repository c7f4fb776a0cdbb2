from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from aims.api.permissions import AimsObjectPermission
from aims.api.viewsets import AimsModelViewSet, LookupViewSet
from aims.permissions import visible_to
from risk.filtersets import RiskFilterSet, TreatmentActionFilterSet
from risk.heatmap import heat_map
from risk.models import AIObjective, Risk, RiskCriteria, RiskSource, TreatmentAction
from risk.services import (
    ACCEPT_REFUSED,
    criteria_current,
    criteria_publish,
    may_accept,
    risk_accept,
    risk_acceptance_reject,
    risk_acceptance_request,
    risk_review,
    risk_save,
    risk_transition,
    treatment_action_save,
)

from .serializers import (
    AcceptSerializer,
    AIObjectiveSerializer,
    HeatMapSerializer,
    RejectAcceptanceSerializer,
    ReviewSerializer,
    RiskCriteriaSerializer,
    RiskSerializer,
    RiskSourceSerializer,
    TransitionSerializer,
    TreatmentActionSerializer,
)


class RiskViewSet(AimsModelViewSet):
    """The AI risk register (ISO/IEC 42001 6.1.2, 6.1.3, 8.2, 8.3)."""

    # Four joins, not five: PostgreSQL plans a fifth for 1.2 ms more on every request,
    # three times what the query then takes. Who accepted is read separately, and only
    # when a risk on the page was accepted. The actions' owners are ids in the answer:
    # joining their users would build objects nothing reads.
    queryset = Risk.objects.select_related(
        "ai_system", "owner", "criteria", "risk_source"
    ).prefetch_related(
        "accepted_by",
        Prefetch("objectives", queryset=AIObjective.objects.only("code")),
        "controls",
        "actions",
    )
    # What a list shows of the records it joins: the rest of their columns (a criteria
    # version's scales, decoded again for every row; a system's description and dates)
    # is not read. Single records are read whole, as the services that change them
    # expect.
    list_columns = (
        *(field.name for field in Risk._meta.concrete_fields),
        "ai_system__reference",
        "ai_system__name",
        "owner__username",
        "owner__first_name",
        "owner__last_name",
        "criteria__number",
        "risk_source__code",
    )
    serializer_class = RiskSerializer
    filterset_class = RiskFilterSet
    ordering_fields = [
        "reference",
        "title",
        "inherent_score",
        "residual_score",
        "next_review_date",
        "updated",
    ]
    ordering = ["reference"]
    default_owner_field = "owner"
    # The workflow buttons need the right to change the risk; acceptance is checked by
    # the service (the committee may accept risks it cannot edit).
    object_actions = {
        "transition": "change",
        "review": "change",
        "accept": "view",
        "request_acceptance": "view",
        "reject_acceptance": "view",
    }

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            queryset = queryset.only(*self.list_columns)
        return queryset

    def save_object(self, instance, m2m, expected_version):
        controls = m2m.pop("controls", None)
        return risk_save(
            risk=instance,
            actor=self.request.user,
            m2m=m2m,
            controls=controls,
            expected_version=expected_version,
        )

    @extend_schema(request=AcceptSerializer, responses=RiskSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        """Accept the residual risk. Above the risk appetite only the committee may."""
        risk = self.get_object()
        if not may_accept(request.user, risk):  # a refusal before any body check
            raise PermissionDenied(ACCEPT_REFUSED)
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        risk_accept(
            risk=risk,
            actor=request.user,
            rationale=body.validated_data["rationale"],
            revisit_on=body.validated_data.get("revisit_on"),
            confirm_note=body.validated_data.get("confirm_note", ""),
        )
        return Response(RiskSerializer(self.get_queryset().get(pk=risk.pk)).data)

    @extend_schema(request=AcceptSerializer, responses=RiskSerializer)
    @action(
        detail=True, methods=["post"], filter_backends=[], url_path="request-acceptance"
    )
    def request_acceptance(self, request, pk=None):
        """Ask the governance committee to accept a residual risk above the appetite."""
        risk = self.get_object()
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        risk_acceptance_request(
            risk=risk,
            actor=request.user,
            rationale=body.validated_data["rationale"],
            revisit_on=body.validated_data.get("revisit_on"),
        )
        return Response(RiskSerializer(self.get_queryset().get(pk=risk.pk)).data)

    @extend_schema(request=RejectAcceptanceSerializer, responses=RiskSerializer)
    @action(
        detail=True, methods=["post"], filter_backends=[], url_path="reject-acceptance"
    )
    def reject_acceptance(self, request, pk=None):
        """The committee rejects a pending acceptance request, with a comment."""
        risk = self.get_object()
        body = RejectAcceptanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        risk_acceptance_reject(
            risk=risk, actor=request.user, comment=body.validated_data["comment"]
        )
        return Response(RiskSerializer(self.get_queryset().get(pk=risk.pk)).data)

    @extend_schema(request=ReviewSerializer, responses=RiskSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def review(self, request, pk=None):
        """Record a review of the risk; the next review date moves one period ahead."""
        risk = self.get_object()
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        risk_review(
            risk=risk, actor=request.user, note=body.validated_data.get("note", "")
        )
        return Response(RiskSerializer(self.get_queryset().get(pk=risk.pk)).data)

    @extend_schema(request=TransitionSerializer, responses=RiskSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request, pk=None):
        """Move the risk to another lifecycle status; illegal jumps give 400."""
        risk = self.get_object()
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        risk_transition(
            risk=risk,
            to_status=body.validated_data["status"],
            actor=request.user,
            confirm_note=body.validated_data.get("confirm_note", ""),
        )
        return Response(RiskSerializer(self.get_queryset().get(pk=risk.pk)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind", str, enum=["inherent", "residual"], default="inherent"
            )
        ],
        responses=HeatMapSerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def heatmap(self, request):
        """Risk counts per likelihood and impact under the current criteria (filters apply)."""
        kind = request.query_params.get("kind", "inherent")
        if kind not in ("inherent", "residual"):
            raise ValidationError({"kind": ['Use "inherent" or "residual".']})
        data = heat_map(
            self.filter_queryset(self.get_queryset()), kind, criteria_current()
        )
        return Response(
            {
                "kind": kind,
                "total": data["total"],
                "outside": data["outside"],
                "cells": [
                    {
                        "likelihood": c.likelihood,
                        "impact": c.impact,
                        "count": c.count,
                        "level": c.level,
                    }
                    for c in data["cells"]
                ],
            }
        )


class TreatmentActionViewSet(AimsModelViewSet):
    """Steps of risk treatment plans; editable by whoever may change the risk."""

    queryset = TreatmentAction.objects.select_related("owner", "risk")
    serializer_class = TreatmentActionSerializer
    filterset_class = TreatmentActionFilterSet
    ordering_fields = ["due_date", "status"]
    ordering = ["due_date", "pk"]

    def save_object(self, instance, m2m, expected_version):
        return treatment_action_save(
            action=instance, actor=self.request.user, expected_version=expected_version
        )


class RiskCriteriaViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Risk criteria versions. POST publishes a new current version; versions are never
    edited or deleted, so past assessments keep their meaning."""

    queryset = RiskCriteria.objects.all()
    serializer_class = RiskCriteriaSerializer
    permission_classes = [AimsObjectPermission]
    filter_backends = []

    def get_queryset(self):
        return visible_to(self.queryset.all(), self.request.user, "view")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.setdefault("level_colours", criteria_current().level_colours)
        serializer.instance = criteria_publish(actor=self.request.user, **data)


class RiskSourceViewSet(LookupViewSet):
    """Risk sources of ISO/IEC 42001 Annex C.3."""

    queryset = RiskSource.objects.all()
    serializer_class = RiskSourceSerializer


class AIObjectiveViewSet(LookupViewSet):
    """Organisational objectives for AI of ISO/IEC 42001 Annex C.2."""

    queryset = AIObjective.objects.all()
    serializer_class = AIObjectiveSerializer
