"""``/api/v1/audit-programmes/``, ``/audits/``, ``/audit-checklist-lines/``: the audit
programme and its audits (ISO/IEC 42001 9.2), through the same services as the pages."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.api.serializers import AimsModelSerializer, UserBriefSerializer
from aims.api.viewsets import AimsModelViewSet
from controls.models import Evidence
from registry.models import AISystem

from ..choices import AuditStatus
from ..filtersets import AuditFilterSet, AuditProgrammeFilterSet, ChecklistLineFilterSet
from ..models import Audit, AuditProgramme, ChecklistLine
from ..selectors import programme_coverage
from ..services import (
    audit_record_results,
    audit_save,
    audit_transition,
    checklist_line_save,
    objectivity_conflicts,
    programme_approve,
    programme_new_version,
    programme_save,
)

_users = get_user_model().objects.filter(is_active=True)


class AuditProgrammeSerializer(AimsModelSerializer):
    approved_by = UserBriefSerializer(read_only=True, allow_null=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = AuditProgramme
        fields = [
            "id",
            "reference",
            "number",
            "version",
            "title",
            "period_start",
            "period_end",
            "objectives",
            "criteria",
            "methods",
            "frequency",
            "responsibilities",
            "status",
            "approved_by",
            "approved_at",
            "approval_note",
            "previous",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = [
            "reference",
            "number",
            "status",
            "approved_at",
            "approval_note",
            "previous",
            "created",
            "updated",
        ]


class ProgrammeApproveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProgrammeCoverageRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    audits = serializers.SerializerMethodField()

    def get_audits(self, row) -> list[str]:
        return [audit.reference for audit in row.audits]


class ProgrammeCoverageSerializer(serializers.Serializer):
    clauses = ProgrammeCoverageRowSerializer(many=True)
    controls = ProgrammeCoverageRowSerializer(many=True)
    systems = ProgrammeCoverageRowSerializer(many=True)
    summary = serializers.DictField()


class AuditProgrammeViewSet(AimsModelViewSet):
    """Audit programmes (9.2.2): planned by the AIMS manager, approved by the
    committee, versioned (an approved version is frozen: 403)."""

    queryset = AuditProgramme.objects.select_related("approved_by")
    serializer_class = AuditProgrammeSerializer
    filterset_class = AuditProgrammeFilterSet
    ordering = ["-period_start"]
    object_actions = {"approve": "view", "new_version": "view", "coverage": "view"}

    def save_object(self, instance, m2m, expected_version):
        return programme_save(
            programme=instance,
            actor=self.request.user,
            expected_version=expected_version,
        )

    def perform_destroy(self, instance):
        from ..services import Frozen

        if not instance.is_draft:
            raise Frozen(f"{instance} is kept as approved: it cannot be deleted.")
        super().perform_destroy(instance)

    @extend_schema(
        request=ProgrammeApproveSerializer, responses=AuditProgrammeSerializer
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        """The committee approves this draft version."""
        programme = self.get_object()
        body = ProgrammeApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        programme_approve(
            programme=programme, actor=request.user, note=body.validated_data["note"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=None, responses={201: AuditProgrammeSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], url_path="new-version")
    def new_version(self, request, pk=None):
        """Start a draft version of an approved programme."""
        draft = programme_new_version(programme=self.get_object(), actor=request.user)
        return Response(self.get_serializer(draft).data, status=201)

    @extend_schema(responses=ProgrammeCoverageSerializer)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def coverage(self, request, pk=None):
        """Which audit covers each clause, Annex A control and AI system in scope."""
        coverage = programme_coverage(self.get_object(), request.user)
        return Response(ProgrammeCoverageSerializer(coverage).data)


class AuditSerializer(AimsModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(
        queryset=AuditProgramme.objects.all(), allow_null=True, required=False
    )
    ai_systems = serializers.PrimaryKeyRelatedField(
        queryset=AISystem.objects.all(), many=True, required=False
    )
    lead_auditor = serializers.PrimaryKeyRelatedField(queryset=_users)
    team = serializers.PrimaryKeyRelatedField(
        queryset=_users, many=True, required=False
    )
    scope_clauses = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False
    )
    scope_controls = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False
    )
    business_units = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False
    )
    status = serializers.ChoiceField(choices=AuditStatus.choices, read_only=True)
    objectivity_warnings = serializers.SerializerMethodField()
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Audit
        fields = [
            "id",
            "reference",
            "version",
            "programme",
            "title",
            "kind",
            "certification_stage",
            "body_name",
            "scope_clauses",
            "scope_controls",
            "ai_systems",
            "business_units",
            "criteria",
            "lead_auditor",
            "team",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "status",
            "summary",
            "objectivity_justification",
            "objectivity_warnings",
            "reported_at",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = ["reference", "reported_at", "created", "updated"]

    def get_objectivity_warnings(self, audit) -> list[str]:
        return objectivity_conflicts(
            [audit.lead_auditor, *audit.team.all()],
            scope_clauses=audit.scope_clauses,
            scope_controls=audit.scope_controls,
            ai_systems=list(audit.ai_systems.all()),
        )


class AuditTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AuditStatus.choices)


class AuditResultsSerializer(serializers.Serializer):
    """Fields left out keep their value."""

    summary = serializers.CharField(allow_blank=True, required=False)
    actual_start = serializers.DateField(allow_null=True, required=False)
    actual_end = serializers.DateField(allow_null=True, required=False)
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The version you read; a newer stored version gives 409.",
    )


class AuditViewSet(AimsModelViewSet):
    """Audits, internal or by the certification body. The lead auditor and team run
    them (object permissions); a reported audit is frozen (403)."""

    queryset = Audit.objects.select_related(
        "lead_auditor", "programme"
    ).prefetch_related("team", "ai_systems")
    serializer_class = AuditSerializer
    filterset_class = AuditFilterSet
    ordering = ["-planned_start"]
    # Whoever conducts the audit (run) moves it and records its results; changing it
    # (PUT/PATCH: scope, team, dates) is the planner's.
    object_actions = {"transition": "run", "results": "run"}

    def save_object(self, instance, m2m, expected_version):
        return audit_save(
            audit=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
        )

    def perform_destroy(self, instance):
        from ..services import Frozen

        if instance.status != AuditStatus.PLANNED:
            raise Frozen(f"{instance} has started: it is kept.")
        super().perform_destroy(instance)

    @extend_schema(request=AuditTransitionSerializer, responses=AuditSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request, pk=None):
        """Start, report or close the audit; reporting needs the summary (400)."""
        body = AuditTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        audit_transition(
            audit=self.get_object(),
            to_status=body.validated_data["status"],
            actor=request.user,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=AuditResultsSerializer, responses=AuditSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def results(self, request, pk=None):
        """The summary of results and the actual dates, by the audit's auditors (who
        may not change its plan); a reported audit is frozen (403)."""
        body = AuditResultsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        expected_version = data.pop("version", None)
        audit_record_results(
            audit=self.get_object(),
            actor=request.user,
            changes=data,
            expected_version=expected_version,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)


class ChecklistLineSerializer(AimsModelSerializer):
    audit = serializers.PrimaryKeyRelatedField(read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(),
        many=True,
        required=False,
        help_text="Evidence sampled, by id (see /api/v1/evidence/).",
    )
    audited_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ChecklistLine
        fields = [
            "id",
            "version",
            "audit",
            "position",
            "requirement_kind",
            "requirement_id",
            "requirement_title",
            "question",
            "result",
            "notes",
            "evidence",
            "audited_by",
            "updated",
        ]
        read_only_fields = [
            "position",
            "requirement_kind",
            "requirement_id",
            "requirement_title",
            "updated",
        ]


class ChecklistLineViewSet(AimsModelViewSet):
    """Checklist lines, generated from each audit's scope; the audit's auditors record
    results while it is in progress. Lines are not created or deleted by hand."""

    queryset = ChecklistLine.objects.select_related(
        "audit", "audited_by"
    ).prefetch_related("evidence")
    serializer_class = ChecklistLineSerializer
    filterset_class = ChecklistLineFilterSet
    http_method_names = ["get", "put", "patch", "head", "options"]
    ordering = ["audit", "position"]

    def save_object(self, instance, m2m, expected_version):
        return checklist_line_save(
            line=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
        )
