from django.contrib.auth import get_user_model
from rest_framework import serializers

from aims.api.serializers import (
    AimsModelSerializer,
    ModelSerializer,
    UserBriefSerializer,
)
from aims.models import Tag
from registry.models import AIRole, AISystem, DataCategory
from registry.services import tags_from_names


class AIRoleSerializer(ModelSerializer):
    class Meta:
        model = AIRole
        fields = ["id", "slug", "name", "sub_roles"]


class DataCategorySerializer(ModelSerializer):
    class Meta:
        model = DataCategory
        fields = ["id", "slug", "name", "is_personal", "is_special_category"]


class TagSerializer(ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "slug", "name"]


class TagNamesField(serializers.ListField):
    def to_representation(self, data):
        return [tag.name for tag in data.all()]


class AISystemBriefSerializer(ModelSerializer):
    class Meta:
        model = AISystem
        fields = ["id", "reference", "name"]


class AISystemSerializer(AimsModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        required=False,
        help_text="User id; required once the system is beyond the idea stage.",
    )
    owner_detail = UserBriefSerializer(source="owner", read_only=True, allow_null=True)
    ai_roles = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=AIRole.objects.all(),
        many=True,
        required=False,
        help_text="Slugs from /api/v1/ai-roles/.",
    )
    data_categories = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=DataCategory.objects.all(),
        many=True,
        required=False,
        help_text="Slugs from /api/v1/data-categories/.",
    )
    tags = TagNamesField(
        child=serializers.CharField(max_length=50),
        required=False,
        max_length=50,
        help_text="Tag names; unknown names create new tags.",
    )
    review_overdue = serializers.BooleanField(read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = AISystem
        fields = [
            "id",
            "reference",
            "version",
            "name",
            "description",
            "intended_purpose",
            "business_unit",
            "owner",
            "owner_detail",
            "lifecycle_stage",
            "ai_roles",
            "eu_operator_role",
            "source",
            "vendor",
            "model_type",
            "foundation_model",
            "data_categories",
            "affected_stakeholders",
            "geographies",
            "automation_level",
            "human_oversight",
            "criticality",
            "eu_risk_tier",
            "review_interval",
            "last_review_date",
            "next_review_date",
            "review_overdue",
            "tags",
            "created",
            "updated",
            "web_url",
        ]
        read_only_fields = ["reference", "created", "updated"]

    def build_instance(self):
        instance, m2m, expected_version = super().build_instance()
        if "tags" in self.validated_data:
            m2m["tags"] = tags_from_names(self.validated_data["tags"])
        return instance, m2m, expected_version
