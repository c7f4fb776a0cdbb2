from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.api.viewsets import AimsModelViewSet
from aims.permissions import can
from aims.services import object_delete

from .. import filtersets
from ..choices import VersionStatus
from ..models import (
    AimsRole,
    Commitment,
    CommunicationItem,
    CommunicationRecord,
    CompetenceRequirement,
    ContextIssue,
    Document,
    DocumentVersion,
    Indicator,
    InterestedParty,
    Measurement,
    Objective,
    OrganisationContext,
    PartyRequirement,
    PlannedChange,
    RoleAssignment,
    ScopeVersion,
    SystemRoleAssignment,
    TrainingRecord,
)
from ..services import (
    FrozenRecord,
    acknowledge,
    acknowledgement_status,
    audience,
    document_publish,
    document_version_approve,
    document_version_save,
    document_version_submit,
    document_version_withdraw,
    line_diff,
    measurement_save,
    measurements_import,
    organisation_context,
    organisation_context_save,
    record_save,
    scope_approve,
    scope_compare,
    scope_save,
    to_acknowledge,
)
from . import serializers as s


class RecordViewSet(AimsModelViewSet):
    def save_object(self, instance, m2m, expected_version):
        return record_save(
            instance=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
        )


class OrganisationContextViewSet(AimsModelViewSet):
    """The organisation's AI roles (4.1) and its climate-change decision: one record."""

    queryset = OrganisationContext.objects.prefetch_related("ai_roles").order_by("pk")
    serializer_class = s.OrganisationContextSerializer
    filter_backends = []
    # One record, created on first read: no create or delete.
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        organisation_context()
        return super().get_queryset()

    def save_object(self, instance, m2m, expected_version):
        return organisation_context_save(
            context=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
        )


class ContextIssueViewSet(RecordViewSet):
    """External and internal issues (ISO/IEC 42001 4.1)."""

    queryset = ContextIssue.objects.select_related("owner")
    serializer_class = s.ContextIssueSerializer
    filterset_class = filtersets.ContextIssueFilterSet
    ordering = ["reference"]


class InterestedPartyViewSet(RecordViewSet):
    """Interested parties and their needs and expectations (4.2)."""

    queryset = InterestedParty.objects.select_related("owner")
    serializer_class = s.InterestedPartySerializer
    filterset_class = filtersets.InterestedPartyFilterSet
    ordering = ["reference"]


class PartyRequirementViewSet(RecordViewSet):
    queryset = PartyRequirement.objects.prefetch_related(
        "controls", "documents", "objectives"
    )
    serializer_class = s.PartyRequirementSerializer
    filterset_class = filtersets.PartyRequirementFilterSet
    ordering = ["party", "pk"]


class ScopeVersionViewSet(AimsModelViewSet):
    """Versions of the AIMS scope (4.3). The committee approves; approved versions are frozen."""

    queryset = ScopeVersion.objects.select_related("approved_by").prefetch_related(
        "ai_systems"
    )
    serializer_class = s.ScopeVersionSerializer
    filterset_class = filtersets.ScopeVersionFilterSet
    object_actions = {"approve": "view", "compare": "view"}

    def save_object(self, instance, m2m, expected_version):
        return scope_save(
            version=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
        )

    def perform_destroy(self, instance):
        if not instance.is_draft:
            raise FrozenRecord("An approved scope version is kept for good.")
        object_delete(instance=instance, actor=self.request.user)

    @extend_schema(
        request=s.ApprovalCommentSerializer, responses=s.ScopeVersionSerializer
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve this draft (governance committee only): it is frozen for good."""
        version = self.get_object()
        body = s.ApprovalCommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        scope_approve(
            version=version,
            actor=request.user,
            comment=body.validated_data.get("comment", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("other", int, required=True)],
        responses=inline_serializer(
            "ScopeComparison",
            {
                "fields": serializers.ListField(child=serializers.DictField()),
                "added": serializers.ListField(child=serializers.IntegerField()),
                "removed": serializers.ListField(child=serializers.IntegerField()),
            },
        ),
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def compare(self, request, pk=None):
        """What differs between this version and the version with id ``other``."""
        version = self.get_object()
        other = self.get_queryset().filter(pk=request.query_params.get("other") or 0)
        if not str(request.query_params.get("other", "")).isdigit() or not other:
            raise DRFValidationError({"other": ["Give the id of another version."]})
        changes = scope_compare(version, other.get())
        return Response(
            {
                "fields": [
                    {
                        k: str(v) if v is not None else None
                        for k, v in f.items()
                        if k != "lines"
                    }
                    for f in changes["fields"]
                ],
                "added": [system.pk for system in changes["added"]],
                "removed": [system.pk for system in changes["removed"]],
            }
        )


class DocumentViewSet(RecordViewSet):
    """The document register (5.2, 7.5): policies, procedures, external documents."""

    queryset = (
        Document.objects.select_related("owner")
        .prefetch_related("controls")
        .with_current_version()
    )
    serializer_class = s.DocumentSerializer
    filterset_class = filtersets.DocumentFilterSet
    ordering = ["reference"]


class DocumentVersionViewSet(AimsModelViewSet):
    """Versions of documents: drafts are edited; approval needs someone other than the
    author (the committee for the AI policy); approved versions are frozen and published."""

    queryset = DocumentVersion.objects.select_related(
        "document", "author", "approver", "evidence"
    ).prefetch_related("evidence__files")
    serializer_class = s.DocumentVersionSerializer
    filterset_class = filtersets.DocumentVersionFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    object_actions = {
        "approve": "view",
        "submit": "change",
        "withdraw": "view",
        "publish": "view",
        "acknowledgements": "view",
        "compare": "view",
    }

    def save_object(self, instance, m2m, expected_version):
        return document_version_save(
            version=instance,
            actor=self.request.user,
            upload=self.request.FILES.get("file"),
            expected_version=expected_version,
        )

    def perform_update(self, serializer):
        if not serializer.instance.is_editable:
            raise FrozenRecord(f"{serializer.instance} is frozen; add a new version.")
        super().perform_update(serializer)

    def perform_destroy(self, instance):
        if instance.status != VersionStatus.DRAFT:
            raise FrozenRecord("Only a draft version is deleted.")
        object_delete(instance=instance, actor=self.request.user)

    def _refreshed(self, pk):
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=None, responses=s.DocumentVersionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send a draft for approval."""
        document_version_submit(version=self.get_object(), actor=request.user)
        return self._refreshed(pk)

    @extend_schema(
        request=s.ApprovalCommentSerializer, responses=s.DocumentVersionSerializer
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve (never your own version; the AI policy needs the committee)."""
        body = s.ApprovalCommentSerializer(data=request.data)
        version = self.get_object()
        body.is_valid(raise_exception=True)
        document_version_approve(
            version=version,
            actor=request.user,
            comment=body.validated_data.get("comment", ""),
        )
        return self._refreshed(pk)

    @extend_schema(
        request=s.WithdrawalReasonSerializer, responses=s.DocumentVersionSerializer
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        version = self.get_object()
        body = s.WithdrawalReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document_version_withdraw(
            version=version, actor=request.user, reason=body.validated_data["reason"]
        )
        return self._refreshed(pk)

    @extend_schema(
        request=s.DocumentPublishSerializer,
        responses={201: s.AcknowledgementStatusSerializer},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish an approved version to groups (role names); each member is asked to
        acknowledge it."""
        version = self.get_object()
        if not can(request.user, "add", _publication_model()):
            raise PermissionDenied("You may not publish documents.")
        body = s.DocumentPublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document_publish(version=version, actor=request.user, **body.validated_data)
        return Response(_ack_json(version), status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.AcknowledgementStatusSerializer, filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def acknowledgements(self, request, pk=None):
        """Who of the people it was published to acknowledged this version, and who not."""
        return Response(_ack_json(self.get_object()))

    @extend_schema(
        parameters=[OpenApiParameter("other", int, required=True)],
        responses=inline_serializer(
            "DocumentLineDiff",
            {"lines": serializers.ListField(child=serializers.ListField())},
        ),
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def compare(self, request, pk=None):
        """Line-by-line difference from version id ``other`` of the same document
        (each line: marker ' ', '-' or '+', then the text)."""
        version = self.get_object()
        other_id = str(request.query_params.get("other", ""))
        other = (
            self.get_queryset().filter(pk=other_id, document=version.document).first()
            if other_id.isdigit()
            else None
        )
        if other is None:
            raise DRFValidationError(
                {"other": ["Give the id of another version of this document."]}
            )
        return Response({"lines": line_diff(other.text, version.text)})


def _publication_model():
    from ..models import Publication

    return Publication


def _ack_json(version) -> dict:
    found = acknowledgement_status(version)
    return {
        "acknowledged": [person.username for person, _ in found.acknowledged],
        "missing": [person.username for person in found.missing],
        "percent": found.percent,
    }


class ToAcknowledgeView(APIView):
    """The approved versions published to you that you have not acknowledged yet."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.PendingVersionSerializer(many=True))
    def get(self, request):
        return Response(
            s.PendingVersionSerializer(
                to_acknowledge(request.user).order_by("document__reference"), many=True
            ).data
        )


class AcknowledgeView(APIView):
    """Acknowledge a version that was published to you (idempotent)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            201: inline_serializer(
                "Acknowledged", {"acknowledged_at": serializers.DateTimeField()}
            )
        },
    )
    def post(self, request, pk):
        version = get_object_or_404(
            DocumentVersion.objects.select_related("document"), pk=pk
        )
        if not (
            can(request.user, "view", version)
            or audience(version).filter(pk=request.user.pk).exists()
        ):
            return Response({"detail": "Not found."}, status=404)
        done = acknowledge(version=version, user=request.user)
        return Response(
            {"acknowledged_at": done.acknowledged_at}, status=status.HTTP_201_CREATED
        )


class ObjectiveViewSet(RecordViewSet):
    """AI objectives (6.2, A.6.1.2, A.9.3)."""

    queryset = Objective.objects.select_related("owner").prefetch_related(
        "ai_systems", "annex_c_objectives"
    )
    serializer_class = s.ObjectiveSerializer
    filterset_class = filtersets.ObjectiveFilterSet
    ordering = ["reference"]


def _latest(field):
    return Subquery(
        Measurement.objects.filter(indicator=OuterRef("pk"))
        .order_by("-measured_on", "-pk")
        .values(field)[:1]
    )


class IndicatorViewSet(RecordViewSet):
    """Indicators of objectives, with the status computed from the latest measurement."""

    queryset = Indicator.objects.select_related("objective").annotate(
        latest_value=_latest("value"), latest_on=_latest("measured_on")
    )
    serializer_class = s.IndicatorSerializer
    filterset_class = filtersets.IndicatorFilterSet
    ordering = ["objective", "pk"]


class MeasurementViewSet(AimsModelViewSet):
    """Measurements of indicators (9.1); ``import`` takes a CSV, all rows or none."""

    queryset = Measurement.objects.select_related("indicator__objective")
    serializer_class = s.MeasurementSerializer
    filterset_class = filtersets.MeasurementFilterSet
    ordering = ["indicator", "-measured_on"]
    # The owner of an objective records its measurements too: the service decides per
    # indicator, after a first refusal (before validation) of anyone who could not.
    add_actions = ()

    def create(self, request, *args, **kwargs):
        if not (
            can(request.user, "add", Measurement)
            or Objective.objects.filter(owner=request.user).exists()
        ):
            raise PermissionDenied("You may not record measurements.")
        return super().create(request, *args, **kwargs)

    def save_object(self, instance, m2m, expected_version):
        return measurement_save(
            measurement=instance,
            actor=self.request.user,
            expected_version=expected_version,
        )

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "MeasurementImport", {"file": serializers.FileField()}
            )
        },
        responses={
            201: inline_serializer(
                "MeasurementImportResult", {"created": serializers.IntegerField()}
            ),
            400: inline_serializer(
                "MeasurementImportErrors",
                {
                    "detail": serializers.CharField(),
                    "errors": serializers.ListField(child=serializers.DictField()),
                },
            ),
        },
        filters=False,
    )
    @action(
        detail=False,
        methods=["post"],
        parser_classes=[MultiPartParser],
        url_path="import",
        filter_backends=[],
    )
    def import_csv(self, request):
        """Columns: indicator (id), date (YYYY-MM-DD), value, period, note."""
        upload = request.FILES.get("file")
        if upload is None or upload.size > 2_000_000:
            return Response(
                {"detail": "Send a CSV of at most 2 MB as 'file'.", "errors": []},
                status=400,
            )
        result = measurements_import(data=upload.read(), actor=request.user)
        if not result.ok:
            return Response(
                {
                    "detail": "Nothing was imported; fix these rows and try again.",
                    "errors": [
                        {"line": e.line, "column": e.column, "message": e.message}
                        for e in result.errors
                    ],
                },
                status=400,
            )
        return Response({"created": len(result.created)}, status=201)


class PlannedChangeViewSet(RecordViewSet):
    """Planned changes to the AIMS (6.3)."""

    queryset = PlannedChange.objects.select_related("responsible")
    serializer_class = s.PlannedChangeSerializer
    filterset_class = filtersets.PlannedChangeFilterSet
    ordering = ["-reference"]


class AimsRoleViewSet(RecordViewSet):
    """AIMS roles with responsibilities and authorities (5.3, A.3.2)."""

    queryset = AimsRole.objects.all()
    serializer_class = s.AimsRoleSerializer
    filterset_class = filtersets.AimsRoleFilterSet
    ordering = ["name"]


class RoleAssignmentViewSet(RecordViewSet):
    queryset = RoleAssignment.objects.select_related("role", "person", "deputy")
    serializer_class = s.RoleAssignmentSerializer
    filterset_class = filtersets.RoleAssignmentFilterSet
    ordering = ["role", "since"]


class SystemRoleAssignmentViewSet(RecordViewSet):
    """Who holds which role (operator, reviewer, developer) on which AI system."""

    queryset = SystemRoleAssignment.objects.select_related("ai_system", "person")
    serializer_class = s.SystemRoleAssignmentSerializer
    filterset_class = filtersets.SystemRoleAssignmentFilterSet
    ordering = ["ai_system", "role", "since"]


class CommitmentViewSet(RecordViewSet):
    """Top management's commitments (5.1)."""

    queryset = Commitment.objects.select_related("made_by")
    serializer_class = s.CommitmentSerializer
    filterset_class = filtersets.CommitmentFilterSet
    ordering = ["-made_on"]


class CompetenceRequirementViewSet(RecordViewSet):
    queryset = CompetenceRequirement.objects.select_related("portal_role")
    serializer_class = s.CompetenceRequirementSerializer
    filterset_class = filtersets.CompetenceRequirementFilterSet
    ordering = ["title"]


class TrainingRecordViewSet(RecordViewSet):
    """Training, qualification and experience records (7.2)."""

    queryset = TrainingRecord.objects.select_related("person", "requirement")
    serializer_class = s.TrainingRecordSerializer
    filterset_class = filtersets.TrainingRecordFilterSet
    ordering = ["-completed_on"]

    def save_object(self, instance, m2m, expected_version):
        from ..services import training_record_save

        return training_record_save(
            record=instance, actor=self.request.user, expected_version=expected_version
        )


class CommunicationItemViewSet(RecordViewSet):
    """The communication plan (7.4)."""

    queryset = CommunicationItem.objects.select_related("communicator")
    serializer_class = s.CommunicationItemSerializer
    filterset_class = filtersets.CommunicationItemFilterSet
    ordering = ["next_due", "topic"]


class CommunicationRecordViewSet(RecordViewSet):
    queryset = CommunicationRecord.objects.select_related("item")
    serializer_class = s.CommunicationRecordSerializer
    filterset_class = filtersets.CommunicationRecordFilterSet
    ordering = ["-happened_on"]

    def save_object(self, instance, m2m, expected_version):
        from ..services import communication_record_save

        return communication_record_save(
            record=instance, actor=self.request.user, expected_version=expected_version
        )


class CompetenceGapsView(APIView):
    """People who do not meet a competence requirement of their role, or whose record expired."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.CompetenceGapSerializer(many=True))
    def get(self, request):
        from ..services import competence_gaps

        if not can(request.user, "view", CompetenceRequirement):
            raise PermissionDenied("You may not see competence records.")
        return Response(s.CompetenceGapSerializer(competence_gaps(), many=True).data)
