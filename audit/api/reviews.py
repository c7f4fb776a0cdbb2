"""``/api/v1/management-reviews/``, ``/management-review-inputs/``,
``/management-review-decisions/`` (ISO/IEC 42001 9.3)."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.api.serializers import AimsModelSerializer, UserBriefSerializer
from aims.api.viewsets import AimsModelViewSet

from ..filtersets import (
    ManagementReviewDecisionFilterSet,
    ManagementReviewFilterSet,
    ManagementReviewInputFilterSet,
)
from ..models import ManagementReview, ManagementReviewDecision, ManagementReviewInput
from ..services import (
    review_decision_save,
    review_input_reports,
    review_input_save,
    review_prepare,
    review_save,
    review_sign,
)

_users = get_user_model().objects.filter(is_active=True)


class ManagementReviewSerializer(AimsModelSerializer):
    chair = serializers.PrimaryKeyRelatedField(queryset=_users)
    attendees = serializers.PrimaryKeyRelatedField(
        queryset=_users, many=True, required=False
    )
    signed_by = UserBriefSerializer(read_only=True, allow_null=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = ManagementReview
        fields = [
            "id",
            "reference",
            "version",
            "title",
            "review_date",
            "chair",
            "attendees",
            "other_attendees",
            "top_management_present",
            "minutes",
            "next_review_date",
            "status",
            "signed_by",
            "signed_at",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = ["reference", "status", "signed_at", "created", "updated"]


class ManagementReviewInputSerializer(AimsModelSerializer):
    report = serializers.SerializerMethodField(
        help_text="Figures, summary and data: live as of the review date until "
        "sign-off, then as frozen."
    )

    class Meta:
        model = ManagementReviewInput
        fields = [
            "id",
            "version",
            "review",
            "key",
            "input_id",
            "title",
            "position",
            "minutes",
            "manual_summary",
            "report",
            "updated",
        ]
        read_only_fields = ["review", "key", "input_id", "title", "position", "updated"]

    def get_report(self, row) -> dict:
        reports = self.context.setdefault("_reports", {})
        if row.review_id not in reports:
            reports[row.review_id] = {
                r.pk: report for r, report in review_input_reports(row.review)
            }
        return reports[row.review_id].get(row.pk, {})


class ManagementReviewViewSet(AimsModelViewSet):
    """Management reviews: scheduled, prepared from live data, signed off by the
    chair (then frozen: 403)."""

    queryset = ManagementReview.objects.select_related(
        "chair", "signed_by"
    ).prefetch_related("attendees")
    serializer_class = ManagementReviewSerializer
    filterset_class = ManagementReviewFilterSet
    ordering = ["-review_date"]
    object_actions = {"prepare": "change", "sign": "view"}

    def save_object(self, instance, m2m, expected_version):
        return review_save(
            review=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
        )

    def perform_destroy(self, instance):
        from ..services import Frozen

        if instance.is_signed:
            raise Frozen(f"{instance} is signed off: it is kept.")
        super().perform_destroy(instance)

    @extend_schema(request=None, responses=ManagementReviewInputSerializer(many=True))
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def prepare(self, request, pk=None):
        """Assemble the 9.3.2 inputs from live data as of the review date."""
        review = review_prepare(review=self.get_object(), actor=request.user)
        rows = review.inputs.select_related("review")
        return Response(ManagementReviewInputSerializer(rows, many=True).data)

    @extend_schema(request=None, responses=ManagementReviewSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def sign(self, request, pk=None):
        """The chair signs off; without attendees, top management or decisions: 400."""
        review_sign(review=self.get_object(), actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)


class ManagementReviewInputViewSet(AimsModelViewSet):
    """The inputs of each review (created by ``prepare``); minutes until sign-off."""

    queryset = ManagementReviewInput.objects.select_related("review")
    serializer_class = ManagementReviewInputSerializer
    filterset_class = ManagementReviewInputFilterSet
    http_method_names = ["get", "put", "patch", "head", "options"]
    ordering = ["review", "position"]

    def save_object(self, instance, m2m, expected_version):
        return review_input_save(
            item=instance, actor=self.request.user, expected_version=expected_version
        )


class ManagementReviewDecisionSerializer(AimsModelSerializer):
    review = serializers.PrimaryKeyRelatedField(queryset=ManagementReview.objects.all())
    owner = serializers.PrimaryKeyRelatedField(queryset=_users)

    class Meta:
        model = ManagementReviewDecision
        fields = [
            "id",
            "version",
            "review",
            "kind",
            "description",
            "owner",
            "due_date",
            "status",
            "completed_on",
            "notes",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def validate_review(self, review):
        if self.instance is not None and review != self.instance.review:
            raise serializers.ValidationError(
                "A decision cannot move to another review."
            )
        return review


class ManagementReviewDecisionViewSet(AimsModelViewSet):
    """Decisions and actions of reviews (9.3.3); after sign-off only their follow-up."""

    queryset = ManagementReviewDecision.objects.select_related("review", "owner")
    serializer_class = ManagementReviewDecisionSerializer
    filterset_class = ManagementReviewDecisionFilterSet
    ordering = ["due_date"]
    add_actions = ()

    def save_object(self, instance, m2m, expected_version):
        return review_decision_save(
            decision=instance,
            actor=self.request.user,
            expected_version=expected_version,
        )
