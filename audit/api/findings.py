"""``/api/v1/audit-findings/``, ``/nonconformities/``, ``/corrective-actions/``,
``/effectiveness-verifications/`` (ISO/IEC 42001 9.2.2, 10.2)."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.api.permissions import AimsObjectPermission
from aims.api.serializers import (
    AimsModelSerializer,
    ModelSerializer,
    UserBriefSerializer,
)
from aims.api.viewsets import AimsModelViewSet
from aims.permissions import visible_to
from controls.models import Control, Evidence
from registry.models import AISystem
from risk.models import Risk

from ..filtersets import (
    CorrectiveActionFilterSet,
    EffectivenessVerificationFilterSet,
    FindingFilterSet,
    NonconformityFilterSet,
)
from ..models import (
    Audit,
    ChecklistLine,
    CorrectiveAction,
    EffectivenessVerification,
    Finding,
    ManagementReview,
    Nonconformity,
)
from ..services import (
    corrective_action_save,
    effectiveness_verify,
    finding_close,
    finding_save,
    nonconformity_close,
    nonconformity_save,
)

_users = get_user_model().objects.filter(is_active=True)


class FindingSerializer(AimsModelSerializer):
    audit = serializers.PrimaryKeyRelatedField(queryset=Audit.objects.all())
    checklist_line = serializers.PrimaryKeyRelatedField(
        queryset=ChecklistLine.objects.all(), allow_null=True, required=False
    )
    owner = serializers.PrimaryKeyRelatedField(queryset=_users)
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), many=True, required=False
    )
    ai_systems = serializers.PrimaryKeyRelatedField(
        queryset=AISystem.objects.all(), many=True, required=False
    )
    risks = serializers.PrimaryKeyRelatedField(
        queryset=Risk.objects.all(), many=True, required=False
    )
    controls = serializers.SlugRelatedField(
        slug_field="control_id",
        queryset=Control.objects.all(),
        many=True,
        required=False,
    )
    nonconformity = serializers.PrimaryKeyRelatedField(read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "reference",
            "version",
            "audit",
            "checklist_line",
            "grade",
            "requirement_id",
            "title",
            "description",
            "objective_evidence",
            "evidence",
            "ai_systems",
            "risks",
            "controls",
            "owner",
            "due_date",
            "status",
            "closure_note",
            "closed_at",
            "nonconformity",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = [
            "reference",
            "status",
            "closure_note",
            "closed_at",
            "created",
            "updated",
        ]

    def validate_audit(self, audit):
        if self.instance is not None and audit != self.instance.audit:
            raise serializers.ValidationError("A finding cannot move to another audit.")
        return audit


class RecordCloseSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, required=False, default="")


class FindingViewSet(AimsModelViewSet):
    """Audit findings, graded per the reference file; recorded by the audit's
    auditors (who may change the audit). A nonconformity opens its record."""

    queryset = Finding.objects.select_related(
        "audit", "owner", "nonconformity"
    ).prefetch_related("evidence", "ai_systems", "risks", "controls")
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    ordering = ["-reference"]
    # Adding needs the right to change the audit (checked on the audit), not a role.
    add_actions = ()
    object_actions = {"close": "view"}

    def save_object(self, instance, m2m, expected_version):
        return finding_save(
            finding=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
        )

    @extend_schema(request=RecordCloseSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        """Close an observation or OFI with a note (a nonconformity: 400)."""
        body = RecordCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        finding_close(
            finding=self.get_object(),
            actor=request.user,
            note=body.validated_data["note"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)


class CorrectiveActionSerializer(AimsModelSerializer):
    nonconformity = serializers.PrimaryKeyRelatedField(
        queryset=Nonconformity.objects.all()
    )
    owner = serializers.PrimaryKeyRelatedField(queryset=_users)
    owner_detail = UserBriefSerializer(source="owner", read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    verification_due = serializers.DateField(read_only=True, allow_null=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "version",
            "nonconformity",
            "description",
            "owner",
            "owner_detail",
            "due_date",
            "status",
            "completed_on",
            "verify_after_days",
            "verification_due",
            "overdue",
            "notes",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = ["created", "updated"]

    def validate_nonconformity(self, nonconformity):
        if self.instance is not None and nonconformity != self.instance.nonconformity:
            raise serializers.ValidationError(
                "An action cannot move to another nonconformity."
            )
        return nonconformity


class NonconformitySerializer(AimsModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=_users)
    review = serializers.PrimaryKeyRelatedField(
        queryset=ManagementReview.objects.all(), allow_null=True, required=False
    )
    root_causes = serializers.ListField(
        child=serializers.CharField(max_length=1000), required=False
    )
    actions = CorrectiveActionSerializer(many=True, read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Nonconformity
        fields = [
            "id",
            "reference",
            "version",
            "source",
            "finding",
            "review",
            "source_reference",
            "grade",
            "requirement_id",
            "title",
            "description",
            "raised_on",
            "owner",
            "correction",
            "root_cause_method",
            "root_causes",
            "similar_nonconformities",
            "status",
            "closed_at",
            "closure_note",
            "actions",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = [
            "reference",
            "finding",
            "status",
            "closed_at",
            "closure_note",
            "created",
            "updated",
        ]


class NonconformityViewSet(AimsModelViewSet):
    """Nonconformities from audits, incidents, complaints, monitoring, reviews or
    raised directly; they close only after a verified effective action."""

    queryset = Nonconformity.objects.select_related(
        "owner", "finding"
    ).prefetch_related("actions__owner")
    serializer_class = NonconformitySerializer
    filterset_class = NonconformityFilterSet
    ordering = ["-reference"]
    default_owner_field = "owner"
    object_actions = {"close": "change"}

    def save_object(self, instance, m2m, expected_version):
        return nonconformity_save(
            nonconformity=instance,
            actor=self.request.user,
            expected_version=expected_version,
        )

    @extend_schema(request=RecordCloseSerializer, responses=NonconformitySerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        """Close after verification; without a verified effective action: 400."""
        body = RecordCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        nonconformity_close(
            nonconformity=self.get_object(),
            actor=request.user,
            note=body.validated_data["note"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)


class EffectivenessVerifySerializer(serializers.Serializer):
    effective = serializers.BooleanField()
    notes = serializers.CharField()
    verified_on = serializers.DateField(required=False)
    new_action = serializers.DictField(
        required=False,
        help_text="When not effective: {description, owner (user id), due_date, "
        "verify_after_days}.",
    )

    def validate_new_action(self, value):
        owner = value.get("owner")
        if owner is not None:
            user = _users.filter(pk=owner).first() if str(owner).isdigit() else None
            if user is None:
                raise serializers.ValidationError({"owner": "Unknown user."})
            value["owner"] = user
        due = value.get("due_date")
        if due:
            value["due_date"] = serializers.DateField().to_internal_value(due)
        return value


class EffectivenessVerificationSerializer(ModelSerializer):
    verified_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = EffectivenessVerification
        fields = [
            "id",
            "action",
            "verified_by",
            "verified_on",
            "effective",
            "notes",
            "created",
        ]


class CorrectiveActionViewSet(AimsModelViewSet):
    """Corrective actions: their owner (and whoever may change the nonconformity)
    works on them; effectiveness is set by ``verify`` only."""

    queryset = CorrectiveAction.objects.select_related("nonconformity", "owner")
    serializer_class = CorrectiveActionSerializer
    filterset_class = CorrectiveActionFilterSet
    ordering = ["due_date"]
    add_actions = ()
    object_actions = {"verify": "view"}

    def save_object(self, instance, m2m, expected_version):
        return corrective_action_save(
            action=instance, actor=self.request.user, expected_version=expected_version
        )

    @extend_schema(
        request=EffectivenessVerifySerializer,
        responses=EffectivenessVerificationSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def verify(self, request, pk=None):
        """Verify effectiveness after the set period; your own action: 403."""
        body = EffectivenessVerifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        verification = effectiveness_verify(
            action=self.get_object(),
            actor=request.user,
            effective=data["effective"],
            notes=data["notes"],
            verified_on=data.get("verified_on"),
            new_action=data.get("new_action"),
        )
        return Response(
            EffectivenessVerificationSerializer(verification).data, status=201
        )


class EffectivenessVerificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Verifications are recorded through ``corrective-actions/<id>/verify/`` and kept."""

    queryset = EffectivenessVerification.objects.select_related("verified_by")
    serializer_class = EffectivenessVerificationSerializer
    filterset_class = EffectivenessVerificationFilterSet
    permission_classes = [AimsObjectPermission]

    def get_queryset(self):
        return visible_to(self.queryset.all(), self.request.user, "view")
