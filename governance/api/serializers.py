from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework import serializers

from aims.api.serializers import AimsModelSerializer, UserBriefSerializer
from controls.models import Control, Evidence
from registry.models import AIRole, AISystem
from risk.models import AIObjective

from ..document_items import document_item_choices
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
    TrainingRecord,
)

User = get_user_model()


def _user(**kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), help_text="User id.", **kwargs
    )


def _controls():
    return serializers.SlugRelatedField(
        slug_field="control_id",
        queryset=Control.objects.all(),
        many=True,
        required=False,
        help_text="Control IDs, e.g. A.2.2.",
    )


def _systems():
    return serializers.PrimaryKeyRelatedField(
        queryset=AISystem.objects.all(), many=True, required=False
    )


WEB_URL = {"source": "get_absolute_url", "read_only": True}


class OrganisationContextSerializer(AimsModelSerializer):
    ai_roles = serializers.SlugRelatedField(
        slug_field="slug", queryset=AIRole.objects.all(), many=True, required=False
    )

    class Meta:
        model = OrganisationContext
        fields = [
            "id",
            "version",
            "ai_roles",
            "ai_roles_note",
            "intended_purpose_summary",
            "climate_change",
            "climate_change_rationale",
            "climate_change_decided_on",
            "updated",
        ]
        read_only_fields = ["updated"]


class ContextIssueSerializer(AimsModelSerializer):
    owner = _user()
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = ContextIssue
        fields = [
            "id",
            "reference",
            "version",
            "title",
            "kind",
            "category",
            "description",
            "effect",
            "source",
            "is_climate_change",
            "owner",
            "review_date",
            "status",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = ["reference", "created", "updated"]


class InterestedPartySerializer(AimsModelSerializer):
    owner = _user()
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = InterestedParty
        fields = [
            "id",
            "reference",
            "version",
            "name",
            "kind",
            "needs_and_expectations",
            "owner",
            "review_date",
            "status",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = ["reference", "created", "updated"]


class PartyRequirementSerializer(AimsModelSerializer):
    controls = _controls()
    documents = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.all(), many=True, required=False
    )
    objectives = serializers.PrimaryKeyRelatedField(
        queryset=Objective.objects.all(), many=True, required=False
    )

    class Meta:
        model = PartyRequirement
        fields = [
            "id",
            "version",
            "party",
            "requirement",
            "adopted",
            "how_addressed",
            "controls",
            "documents",
            "objectives",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]


class ScopeVersionSerializer(AimsModelSerializer):
    ai_systems = _systems()
    approved_by = UserBriefSerializer(read_only=True, allow_null=True)
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = ScopeVersion
        fields = [
            "id",
            "number",
            "version",
            "status",
            "statement",
            "boundaries",
            "units_and_sites",
            "ai_systems",
            "interfaces",
            "exclusions",
            "exclusion_justification",
            "summary_of_changes",
            "next_review_date",
            "approved_by",
            "approved_at",
            "approval_comment",
            "web_url",
        ]
        read_only_fields = ["number", "status", "approved_at", "approval_comment"]


class DocumentSerializer(AimsModelSerializer):
    owner = _user()
    controls = _controls()
    documented_information = serializers.ListField(
        child=serializers.ChoiceField(choices=document_item_choices()),
        required=False,
        help_text=Document._meta.get_field("documented_information").help_text,
    )
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = Document
        fields = [
            "id",
            "reference",
            "version",
            "title",
            "doc_type",
            "purpose",
            "owner",
            "classification",
            "retention",
            "review_interval_months",
            "next_review_date",
            "external_source",
            "external_edition",
            "controls",
            "documented_information",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = ["reference", "created", "updated"]


class DocumentVersionSerializer(AimsModelSerializer):
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all())
    author = UserBriefSerializer(read_only=True)
    approver = UserBriefSerializer(read_only=True, allow_null=True)
    file = serializers.FileField(
        write_only=True, required=False, help_text="Optional file (evidence store)."
    )
    evidence = serializers.PrimaryKeyRelatedField(read_only=True)
    sha256 = serializers.SerializerMethodField()
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = DocumentVersion
        fields = [
            "id",
            "document",
            "number",
            "version",
            "status",
            "text",
            "change_summary",
            "effective_date",
            "author",
            "approver",
            "approved_at",
            "approval_comment",
            "file",
            "evidence",
            "sha256",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = ["number", "status", "approved_at", "approval_comment"]

    def get_sha256(self, obj) -> str | None:
        if obj.evidence_id is None:
            return None
        newest = max(obj.evidence.files.all(), key=lambda f: f.number, default=None)
        return newest.sha256 if newest else None

    def validate(self, attrs):
        if (
            self.instance is not None
            and "document" in attrs
            and attrs["document"] != self.instance.document
        ):
            raise serializers.ValidationError(
                {"document": "A version stays with its document."}
            )
        return attrs

    def build_instance(self):
        self.validated_data.pop("file", None)
        instance, m2m, expected = super().build_instance()
        return instance, m2m, expected


class ApprovalCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class WithdrawalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class DocumentPublishSerializer(serializers.Serializer):
    groups = serializers.SlugRelatedField(
        slug_field="name", queryset=Group.objects.all(), many=True
    )
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    acknowledge_by = serializers.DateField(required=False, allow_null=True)


class AcknowledgementStatusSerializer(serializers.Serializer):
    acknowledged = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())
    percent = serializers.IntegerField()


class PendingVersionSerializer(serializers.ModelSerializer):
    document_reference = serializers.CharField(source="document.reference")
    document_title = serializers.CharField(source="document.title")
    read_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = ["id", "number", "document_reference", "document_title", "read_url"]

    def get_read_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("governance:read", args=[obj.pk])


class ObjectiveSerializer(AimsModelSerializer):
    owner = _user()
    ai_systems = _systems()
    annex_c_objectives = serializers.SlugRelatedField(
        slug_field="code", queryset=AIObjective.objects.all(), many=True, required=False
    )
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = Objective
        fields = [
            "id",
            "reference",
            "version",
            "title",
            "description",
            "owner",
            "target",
            "due_date",
            "resources",
            "evaluation_method",
            "concerns",
            "ai_systems",
            "annex_c_objectives",
            "status",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = ["reference", "created", "updated"]


class IndicatorSerializer(AimsModelSerializer):
    status = serializers.SerializerMethodField(
        help_text="on_track, at_risk, off_track or no_data, from the latest measurement."
    )
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "version",
            "objective",
            "name",
            "unit",
            "value_type",
            "direction",
            "target",
            "threshold",
            "frequency",
            "closed",
            "status",
            "web_url",
        ]

    def get_status(self, obj) -> str:
        from types import SimpleNamespace

        from django.utils import timezone

        on = getattr(obj, "latest_on", None)
        latest = SimpleNamespace(value=obj.latest_value, measured_on=on) if on else None
        return str(obj.status_for(latest, timezone.localdate()))


class MeasurementSerializer(AimsModelSerializer):
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Measurement
        fields = [
            "id",
            "version",
            "indicator",
            "value",
            "measured_on",
            "period",
            "note",
            "evidence",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]


class PlannedChangeSerializer(AimsModelSerializer):
    responsible = _user()
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = PlannedChange
        fields = [
            "id",
            "reference",
            "version",
            "title",
            "description",
            "purpose",
            "resources",
            "responsible",
            "planned_for",
            "status",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = ["reference", "created", "updated"]


class AimsRoleSerializer(AimsModelSerializer):
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = AimsRole
        fields = [
            "id",
            "version",
            "name",
            "responsibilities",
            "authorities",
            "reports_to",
            "top_management",
            "web_url",
        ]


class RoleAssignmentSerializer(AimsModelSerializer):
    person = _user()
    deputy = _user(allow_null=True, required=False)

    class Meta:
        model = RoleAssignment
        fields = ["id", "version", "role", "person", "deputy", "since", "until"]


class CommitmentSerializer(AimsModelSerializer):
    made_by = _user()
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Commitment
        fields = ["id", "version", "statement", "made_by", "made_on", "evidence"]


class CompetenceRequirementSerializer(AimsModelSerializer):
    portal_role = serializers.SlugRelatedField(
        slug_field="name",
        queryset=Group.objects.all(),
        required=False,
        allow_null=True,
        help_text="Portal role name, for requirements that apply to a portal role.",
    )

    class Meta:
        model = CompetenceRequirement
        fields = [
            "id",
            "version",
            "title",
            "description",
            "applies_to",
            "aims_role",
            "portal_role",
            "ai_literacy",
            "validity_months",
        ]


class TrainingRecordSerializer(AimsModelSerializer):
    person = _user()
    certificate = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "version",
            "person",
            "requirement",
            "kind",
            "title",
            "provider",
            "completed_on",
            "expires_on",
            "certificate",
        ]


class CommunicationItemSerializer(AimsModelSerializer):
    communicator = _user()

    class Meta:
        model = CommunicationItem
        fields = [
            "id",
            "version",
            "topic",
            "audience",
            "reach",
            "timing",
            "channel",
            "communicator",
            "next_due",
        ]


class CommunicationRecordSerializer(AimsModelSerializer):
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = CommunicationRecord
        fields = ["id", "version", "item", "happened_on", "summary", "evidence"]


class CompetenceGapSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(source="requirement.pk")
    requirement_title = serializers.CharField(source="requirement.title")
    person = serializers.IntegerField(source="person.pk")
    username = serializers.CharField(source="person.username")
    reason = serializers.CharField(help_text="missing or expired")
    since = serializers.DateField()
