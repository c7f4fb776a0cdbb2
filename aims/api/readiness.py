"""``/api/v1/readiness/...``: the gap report as JSON, the documented-information map,
self-assessments and kept gap reports."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims import documented_information
from aims.models import GapReport, SelfAssessment
from aims.permissions import can, visible_to
from aims.readiness import compute, visible_title
from aims.services import gap_report_save, self_assessment_save

from .permissions import AimsObjectPermission
from .serializers import AimsModelSerializer, ModelSerializer, UserBriefSerializer


def _check_access(user) -> None:
    if not can(user, "view", GapReport):
        raise PermissionDenied(
            "Certification readiness is open to the committee, AIMS managers, auditors "
            "and viewers."
        )


class ReadinessView(APIView):
    """Readiness of every requirement of clauses 4 to 10 and every Annex A control, the
    percentages per clause and domain, and the blockers (titles only where you may see
    the record)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer("Readiness", {"as_of": serializers.DateField()})
    )
    def get(self, request):
        _check_access(request.user)
        report = compute()
        data = report.as_json()
        for blocker, source in zip(data["blockers"], report.blockers, strict=True):
            for item, original in zip(blocker["items"], source.items, strict=True):
                item["title"] = visible_title(original, request.user)
                if not item["title"]:
                    item["url"] = ""
        return Response(data)


class DocumentedInformationView(APIView):
    """The 54 documented-information items (IDs of the reference file) and how the
    records holding each stand."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "DocumentedInformationItem",
            {
                "id": serializers.CharField(),
                "clause_or_control": serializers.CharField(),
                "title": serializers.CharField(),
                "kind": serializers.CharField(),
                "state": serializers.CharField(),
                "sources": serializers.ListField(child=serializers.DictField()),
            },
            many=True,
        )
    )
    def get(self, request):
        _check_access(request.user)
        return Response(
            [
                {
                    "id": report.item["id"],
                    "clause_or_control": report.item["clause_or_control"],
                    "title": report.item["title"],
                    "kind": report.item["kind"],
                    "state": report.state.value,
                    "sources": [
                        {
                            "label": source.label,
                            "state": status.state.value,
                            "present": status.present,
                            "approved": status.approved,
                            "current": status.current,
                            "done": status.done,
                            "total": status.total,
                            "summary": status.summary,
                            "url": status.url,
                        }
                        for source, status in report.statuses
                    ],
                }
                for report in documented_information.item_statuses()
            ]
        )


class SelfAssessmentSerializer(AimsModelSerializer):
    assessed_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = SelfAssessment
        fields = [
            "id",
            "requirement_id",
            "status",
            "justification",
            "assessed_on",
            "valid_until",
            "assessed_by",
            "created",
            "version",
        ]
        read_only_fields = ["assessed_by", "created"]


class SelfAssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Self-assessments of requirements no record judges. Kept as made: record a new one
    to change the status."""

    queryset = SelfAssessment.objects.select_related("assessed_by")
    serializer_class = SelfAssessmentSerializer
    permission_classes = [AimsObjectPermission]
    filterset_fields = ["requirement_id", "status"]

    def get_queryset(self):
        return visible_to(self.queryset.all(), self.request.user, "view")

    def perform_create(self, serializer):
        instance, _, _ = serializer.build_instance()
        try:
            serializer.instance = self_assessment_save(
                assessment=instance, actor=self.request.user
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc


class GapReportSerializer(ModelSerializer):
    created_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = GapReport
        fields = [
            "id",
            "reference",
            "as_of",
            "note",
            "clause_percent",
            "annex_percent",
            "blockers",
            "data",
            "created",
            "created_by",
        ]
        read_only_fields = [
            "reference",
            "as_of",
            "clause_percent",
            "annex_percent",
            "blockers",
            "data",
            "created",
            "created_by",
        ]


class GapReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Gap reports kept as they were; ``POST`` keeps today's (optional ``note``)."""

    queryset = GapReport.objects.select_related("created_by")
    serializer_class = GapReportSerializer
    permission_classes = [AimsObjectPermission]

    def get_queryset(self):
        return visible_to(self.queryset.all(), self.request.user, "view")

    def perform_create(self, serializer):
        serializer.instance = gap_report_save(
            actor=self.request.user, note=serializer.validated_data.get("note", "")
        )
