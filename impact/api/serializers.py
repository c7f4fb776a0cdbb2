from django.contrib.auth import get_user_model
from rest_framework import serializers

from aims.api.serializers import (
    AimsModelSerializer,
    ModelSerializer,
    UserBriefSerializer,
)
from registry.choices import EUOperatorRole
from registry.models import AISystem

from ..classification import obligation_title
from ..models import (
    FRIA,
    AssessmentTemplate,
    Classification,
    Impact,
    ImpactAssessment,
    Obligation,
)

_users = get_user_model().objects.filter(is_active=True)


class AssessmentTemplateSerializer(ModelSerializer):
    """Template versions are published, never edited: POST publishes the new current version."""

    sections = serializers.JSONField()

    class Meta:
        model = AssessmentTemplate
        fields = [
            "id",
            "number",
            "title",
            "sections",
            "retention_years",
            "review_interval_months",
            "status",
            "is_current",
            "change_note",
            "created",
        ]
        read_only_fields = ["number", "status", "is_current", "created"]


class ImpactSerializer(AimsModelSerializer):
    assessment = serializers.PrimaryKeyRelatedField(
        queryset=ImpactAssessment.objects.all()
    )
    harm_kind = serializers.CharField(
        help_text="A kind from impact/data/impact_levels.json, e.g. fundamental_right, benefit."
    )
    level = serializers.CharField(read_only=True)
    risk = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Impact
        fields = [
            "id",
            "version",
            "assessment",
            "title",
            "description",
            "affected_group",
            "harm_kind",
            "charter_right",
            "severity",
            "likelihood",
            "reversibility",
            "scale",
            "level",
            "existing_measures",
            "planned_measures",
            "residual_level",
            "risk",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def validate_assessment(self, assessment):
        if self.instance is not None and assessment != self.instance.assessment:
            raise serializers.ValidationError(
                "An impact cannot move to another assessment."
            )
        return assessment


class ImpactAssessmentSerializer(AimsModelSerializer):
    ai_system = serializers.PrimaryKeyRelatedField(queryset=AISystem.objects.all())
    template = serializers.IntegerField(
        source="template.number", read_only=True, help_text="Template version."
    )
    owner = serializers.PrimaryKeyRelatedField(queryset=_users, required=False)
    assessor = serializers.PrimaryKeyRelatedField(
        queryset=_users, required=False, allow_null=True
    )
    approver = serializers.PrimaryKeyRelatedField(
        queryset=_users,
        required=False,
        allow_null=True,
        help_text="Designated approver besides the committee (AIMS manager or "
        "committee only; never an author).",
    )
    owner_detail = UserBriefSerializer(source="owner", read_only=True)
    answers = serializers.JSONField(
        required=False, help_text="Answers keyed by question id (see the template)."
    )
    impacts = ImpactSerializer(many=True, read_only=True)
    approved_by = UserBriefSerializer(read_only=True, allow_null=True)
    submitted_by = UserBriefSerializer(read_only=True, allow_null=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = ImpactAssessment
        fields = [
            "id",
            "reference",
            "revision",
            "version",
            "ai_system",
            "template",
            "trigger",
            "owner",
            "owner_detail",
            "assessor",
            "approver",
            "status",
            "answers",
            "highest_level",
            "impacts",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "approval_note",
            "retention_until",
            "next_review_date",
            "review_needed",
            "review_reason",
            "review_change_seq",
            "previous",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = [
            "reference",
            "revision",
            "status",
            "highest_level",
            "submitted_at",
            "approved_at",
            "approval_note",
            "retention_until",
            "review_needed",
            "review_reason",
            "review_change_seq",
            "previous",
            "created",
            "updated",
        ]

    def validate_ai_system(self, system):
        if self.instance is not None and system != self.instance.ai_system:
            raise serializers.ValidationError(
                "An assessment cannot move to another AI system."
            )
        return system


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ClassificationSerializer(ModelSerializer):
    """POST records a new classification of ``ai_system`` from ``answers`` (keyed by
    reference IDs) and ``operator_role``; the tier, basis and obligations follow."""

    ai_system = serializers.PrimaryKeyRelatedField(queryset=AISystem.objects.all())
    answers = serializers.JSONField(
        help_text='E.g. {"Annex III 4(a)": true, "Art. 6(3) profiling": true}.'
    )
    obligations = serializers.SerializerMethodField()
    created_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Classification
        fields = [
            "id",
            "ai_system",
            "number",
            "is_current",
            "operator_role",
            "answers",
            "tier",
            "in_scope",
            "basis",
            "reasoning",
            "notes",
            "fria_required",
            "obligation_ids",
            "obligations",
            "overridden",
            "override_justification",
            "review_needed",
            "review_reason",
            "created",
            "created_by",
        ]
        read_only_fields = [
            "number",
            "is_current",
            "tier",
            "in_scope",
            "basis",
            "reasoning",
            "fria_required",
            "obligation_ids",
            "overridden",
            "override_justification",
            "review_needed",
            "review_reason",
            "created",
        ]

    def get_obligations(self, obj) -> list[dict]:
        return [{"id": i, "title": obligation_title(i)} for i in obj.obligation_ids]


class DryRunSerializer(serializers.Serializer):
    answers = serializers.JSONField(help_text="Answers keyed by reference IDs.")
    operator_role = serializers.ChoiceField(choices=EUOperatorRole.choices)


class DryRunResultSerializer(serializers.Serializer):
    tier = serializers.CharField()
    in_scope = serializers.BooleanField()
    basis = serializers.ListField(child=serializers.CharField())
    reasoning = serializers.ListField(child=serializers.CharField())
    fria_required = serializers.BooleanField()
    obligations = serializers.ListField(child=serializers.DictField())


class ObligationSerializer(AimsModelSerializer):
    ai_system = serializers.PrimaryKeyRelatedField(read_only=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=_users, required=False, allow_null=True
    )

    class Meta:
        model = Obligation
        fields = [
            "id",
            "version",
            "ai_system",
            "obligation_id",
            "title",
            "applies",
            "status",
            "owner",
            "due_date",
            "notes",
            "evidence",
            "created",
            "updated",
        ]
        read_only_fields = ["obligation_id", "title", "applies", "created", "updated"]


class FRIASerializer(AimsModelSerializer):
    ai_system = serializers.PrimaryKeyRelatedField(queryset=AISystem.objects.all())
    elements = serializers.JSONField(
        required=False, help_text='Keyed by "27(1)(a)" ... "27(1)(f)".'
    )
    status = serializers.CharField(read_only=True)

    class Meta:
        model = FRIA
        fields = [
            "id",
            "version",
            "ai_system",
            "assessment",
            "elements",
            "status",
            "notified_on",
            "authority",
            "notification_reference",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def validate_ai_system(self, system):
        if self.instance is not None and system != self.instance.ai_system:
            raise serializers.ValidationError(
                "A FRIA cannot move to another AI system."
            )
        return system
