from django.contrib.auth import get_user_model
from rest_framework import serializers

from aims.api.serializers import (
    AimsModelSerializer,
    ModelSerializer,
    UserBriefSerializer,
)
from registry.api.serializers import AISystemBriefSerializer
from registry.models import AISystem
from risk.choices import AffectedParty, RiskLevel, RiskStatus
from risk.models import AIObjective, Risk, RiskCriteria, RiskSource, TreatmentAction


class RiskSourceSerializer(ModelSerializer):
    class Meta:
        model = RiskSource
        fields = ["id", "code", "title"]


class AIObjectiveSerializer(ModelSerializer):
    class Meta:
        model = AIObjective
        fields = ["id", "code", "title"]


class ScaleLevelSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=60)
    description = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=500
    )


class ThresholdsSerializer(serializers.Serializer):
    low = serializers.IntegerField(min_value=1)
    medium = serializers.IntegerField(min_value=1)
    high = serializers.IntegerField(min_value=1)
    critical = serializers.IntegerField(min_value=1)


class RiskCriteriaSerializer(ModelSerializer):
    """Criteria versions are published, never edited: POST makes the new current version."""

    likelihood_scale = ScaleLevelSerializer(many=True)
    impact_scale = ScaleLevelSerializer(many=True)
    level_thresholds = ThresholdsSerializer()
    level_colours = serializers.DictField(
        child=serializers.RegexField(r"^#[0-9a-fA-F]{6}$"), required=False
    )

    class Meta:
        model = RiskCriteria
        fields = [
            "id",
            "number",
            "name",
            "likelihood_scale",
            "impact_scale",
            "level_thresholds",
            "level_colours",
            "appetite",
            "is_current",
            "change_note",
            "created",
        ]
        read_only_fields = ["number", "is_current", "created"]


class TreatmentActionSerializer(AimsModelSerializer):
    risk = serializers.PrimaryKeyRelatedField(queryset=Risk.objects.all())
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True)
    )
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = TreatmentAction
        fields = [
            "id",
            "version",
            "risk",
            "description",
            "owner",
            "due_date",
            "status",
            "completed_on",
            "notes",
            "overdue",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def validate_risk(self, risk):
        if self.instance is not None and risk != self.instance.risk:
            raise serializers.ValidationError("An action cannot move to another risk.")
        return risk


class ControlIdsField(serializers.ListField):
    def to_representation(self, data):
        return [control.control_id for control in data.all()]


class RiskSerializer(AimsModelSerializer):
    ai_system = serializers.PrimaryKeyRelatedField(
        queryset=AISystem.objects.all(),
        allow_null=True,
        required=False,
        help_text="Null for an organisation-wide risk.",
    )
    ai_system_detail = AISystemBriefSerializer(
        source="ai_system", read_only=True, allow_null=True
    )
    risk_source = serializers.SlugRelatedField(
        slug_field="code",
        queryset=RiskSource.objects.all(),
        help_text="Annex C.3 code, e.g. C.3.4.",
    )
    objectives = serializers.SlugRelatedField(
        slug_field="code",
        queryset=AIObjective.objects.all(),
        many=True,
        required=False,
        help_text="Annex C.2 codes.",
    )
    affected_parties = serializers.ListField(
        child=serializers.ChoiceField(choices=AffectedParty.choices), required=False
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        help_text="User id; defaults to you.",
    )
    owner_detail = UserBriefSerializer(source="owner", read_only=True)
    controls = ControlIdsField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text="IDs of the controls (Annex A or your own, see /api/v1/controls/) the treatment relies on.",
    )
    criteria = serializers.IntegerField(
        source="criteria.number", read_only=True, help_text="Criteria version."
    )
    inherent_level = serializers.ChoiceField(
        choices=RiskLevel.choices, read_only=True, allow_blank=True
    )
    residual_level = serializers.ChoiceField(
        choices=RiskLevel.choices, read_only=True, allow_blank=True
    )
    status = serializers.ChoiceField(choices=RiskStatus.choices, read_only=True)
    accepted_by = UserBriefSerializer(read_only=True, allow_null=True)
    review_overdue = serializers.BooleanField(read_only=True)
    actions = TreatmentActionSerializer(many=True, read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    def validate_controls(self, value):
        from controls.models import Control

        known = set(
            Control.objects.filter(control_id__in=value).values_list(
                "control_id", flat=True
            )
        )
        unknown = sorted(set(value) - known)
        if unknown:
            raise serializers.ValidationError(
                "Unknown control IDs: " + ", ".join(unknown)
            )
        return value

    class Meta:
        model = Risk
        fields = [
            "id",
            "reference",
            "version",
            "ai_system",
            "ai_system_detail",
            "title",
            "description",
            "risk_source",
            "cause",
            "consequence",
            "objectives",
            "affected_parties",
            "owner",
            "owner_detail",
            "status",
            "criteria",
            "inherent_likelihood",
            "inherent_impact",
            "inherent_score",
            "inherent_level",
            "treatment",
            "treatment_rationale",
            "controls",
            "residual_likelihood",
            "residual_impact",
            "residual_score",
            "residual_level",
            "accepted_by",
            "accepted_at",
            "acceptance_rationale",
            "acceptance_revisit_on",
            "acceptance_requested_at",
            "acceptance_request_rationale",
            "acceptance_rejected_at",
            "acceptance_rejection_comment",
            "review_frequency",
            "next_review_date",
            "review_overdue",
            "actions",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = [
            "reference",
            "inherent_score",
            "residual_score",
            "accepted_at",
            "acceptance_rationale",
            "acceptance_revisit_on",
            "acceptance_requested_at",
            "acceptance_request_rationale",
            "acceptance_rejected_at",
            "acceptance_rejection_comment",
            "created",
            "updated",
        ]

    def build_instance(self):
        # "controls" is not a many-to-many field: hand it to the service separately.
        controls = self.validated_data.pop("controls", None)
        instance, m2m, expected_version = super().build_instance()
        if controls is not None:
            m2m["controls"] = controls
        return instance, m2m, expected_version


CONFIRM_NOTE_HELP = (
    "Why the move is made although the treatment looks incomplete (the treatment is "
    "'mitigate' with no action, or all actions still planned); required then, with "
    "400 on confirm_note otherwise. Kept in the change log."
)


class AcceptSerializer(serializers.Serializer):
    rationale = serializers.CharField(help_text="Why the residual risk is acceptable.")
    revisit_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="When the acceptance expires (default: one review period ahead).",
    )
    confirm_note = serializers.CharField(
        required=False, allow_blank=True, max_length=1000, help_text=CONFIRM_NOTE_HELP
    )


class RejectAcceptanceSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text="Why the request is rejected.")


class ReviewSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RiskStatus.choices)
    confirm_note = serializers.CharField(
        required=False, allow_blank=True, max_length=1000, help_text=CONFIRM_NOTE_HELP
    )


class HeatMapCellSerializer(serializers.Serializer):
    likelihood = serializers.IntegerField()
    impact = serializers.IntegerField()
    count = serializers.IntegerField()
    level = serializers.CharField()


class HeatMapSerializer(serializers.Serializer):
    kind = serializers.CharField()
    total = serializers.IntegerField()
    outside = serializers.IntegerField(
        help_text="Risks scored on older, larger scales."
    )
    cells = HeatMapCellSerializer(many=True)
