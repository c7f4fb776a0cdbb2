from django.contrib.auth import get_user_model
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField

from aims.api.serializers import (
    AimsModelSerializer,
    ModelSerializer,
    UserBriefSerializer,
)
from registry.models import AISystem
from risk.models import Risk

from ..models import (
    Control,
    ControlCheck,
    ControlDomain,
    CrosswalkLink,
    Evidence,
    EvidenceFile,
    Requirement,
    SoAEntry,
    SoAVersion,
)


class ControlDomainSerializer(ModelSerializer):
    class Meta:
        model = ControlDomain
        fields = ["code", "title", "objective"]


class RequirementSerializer(ModelSerializer):
    class Meta:
        model = Requirement
        fields = ["id", "framework", "ref", "title", "group"]


class CrosswalkLinkSerializer(ModelSerializer):
    framework = serializers.CharField(source="requirement.framework")
    ref = serializers.CharField(source="requirement.ref")
    title = serializers.CharField(source="requirement.title")
    derived = serializers.BooleanField(
        help_text="Inferred from the control's subject, not from a published mapping."
    )

    class Meta:
        model = CrosswalkLink
        fields = ["framework", "ref", "title", "detail", "basis", "derived", "note"]


class ControlBriefSerializer(ModelSerializer):
    class Meta:
        model = Control
        fields = ["id", "control_id", "title"]


class ControlSerializer(AimsModelSerializer):
    domain = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ControlDomain.objects.all(),
        help_text='Domain code, e.g. "A.6" or "ORG" for your own controls.',
    )
    crosswalk = CrosswalkLinkSerializer(many=True, read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Control
        fields = [
            "id",
            "version",
            "control_id",
            "domain",
            "title",
            "summary",
            "source",
            "evidence_examples",
            "default_test_frequency_days",
            "crosswalk",
            "web_url",
        ]
        read_only_fields = ["source", "evidence_examples"]

    def validate_control_id(self, value):
        if self.instance is not None and value != self.instance.control_id:
            raise serializers.ValidationError("A control's ID never changes.")
        return value


class SoAVersionSerializer(ModelSerializer):
    based_on = serializers.IntegerField(
        source="based_on.number", read_only=True, allow_null=True
    )
    approved_by = UserBriefSerializer(read_only=True, allow_null=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = SoAVersion
        fields = [
            "id",
            "number",
            "status",
            "based_on",
            "summary_of_changes",
            "approved_by",
            "approved_at",
            "approval_comment",
            "created",
            "web_url",
        ]
        read_only_fields = fields


class ApproveSerializer(serializers.Serializer):
    comment = serializers.CharField(
        max_length=2000, help_text="What the approval covers."
    )


class NewDraftSerializer(serializers.Serializer):
    summary = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class ControlChangeSerializer(serializers.Serializer):
    control = ControlBriefSerializer()
    added = serializers.BooleanField()
    removed = serializers.BooleanField()
    fields = FieldChangeSerializer(many=True)


class SoAEntrySerializer(AimsModelSerializer):
    soa_version = serializers.IntegerField(source="soa.number", read_only=True)
    control = ControlBriefSerializer(read_only=True)
    applicable = serializers.BooleanField(
        allow_null=True,
        required=False,
        help_text="true: applicable, false: excluded; saving needs a decision.",
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        required=False,
    )
    owner_detail = UserBriefSerializer(source="owner", read_only=True, allow_null=True)
    risk_count = serializers.IntegerField(read_only=True)
    evidence_count = serializers.IntegerField(read_only=True)
    current_evidence_count = serializers.IntegerField(
        read_only=True, help_text="Linked evidence that has not expired."
    )
    last_check_result = serializers.CharField(read_only=True, allow_null=True)
    last_checked_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = SoAEntry
        fields = [
            "id",
            "version",
            "soa_version",
            "control",
            "applicable",
            "justification",
            "implementation_status",
            "owner",
            "owner_detail",
            "implementation_description",
            "target_date",
            "test_frequency_days",
            "risk_count",
            "evidence_count",
            "current_evidence_count",
            "last_check_result",
            "last_checked_on",
            "risk_snapshot",
            "evidence_snapshot",
        ]
        read_only_fields = ["risk_snapshot", "evidence_snapshot"]


class EvidenceFileSerializer(ModelSerializer):
    uploaded_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = EvidenceFile
        fields = [
            "number",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = fields


class VisibleLinksField(ManyRelatedField):
    """Links from evidence to records, read as only those the caller may see: the
    viewset prefetches them into ``visible_<name>``; a record just saved has no such
    list, and its links are filtered here."""

    def get_attribute(self, instance):
        visible = getattr(instance, f"visible_{self.field_name}", None)
        if visible is not None:
            return visible
        links = super().get_attribute(instance)
        request = self.context.get("request")
        if request is None or not hasattr(links, "model"):
            return links
        from aims.permissions import visible_to

        return visible_to(links, request.user)


class EvidenceSerializer(AimsModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        help_text="User id; defaults to you.",
    )
    owner_detail = UserBriefSerializer(source="owner", read_only=True)
    controls = serializers.SlugRelatedField(
        slug_field="control_id",
        queryset=Control.objects.all(),
        many=True,
        required=False,
    )
    risks = VisibleLinksField(
        child_relation=serializers.SlugRelatedField(
            slug_field="reference", queryset=Risk.objects.all()
        ),
        required=False,
    )
    ai_systems = VisibleLinksField(
        child_relation=serializers.SlugRelatedField(
            slug_field="reference", queryset=AISystem.objects.all()
        ),
        required=False,
    )
    file = serializers.FileField(
        write_only=True,
        required=False,
        help_text="On create (multipart): the evidence file. Later versions: POST .../upload/.",
    )
    files = EvidenceFileSerializer(many=True, read_only=True)
    freshness = serializers.CharField(read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "version",
            "reference",
            "title",
            "description",
            "kind",
            "url",
            "collected_on",
            "valid_until",
            "freshness",
            "owner",
            "owner_detail",
            "restricted",
            "controls",
            "risks",
            "ai_systems",
            "file",
            "files",
            "web_url",
        ]
        read_only_fields = ["reference", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            from aims.permissions import visible_to

            user = request.user
            # Only links to records the caller may see can be made (others are "does not exist").
            self.fields["risks"].child_relation.queryset = visible_to(
                Risk.objects.all(), user
            )
            self.fields["ai_systems"].child_relation.queryset = visible_to(
                AISystem.objects.all(), user
            )

    def build_instance(self):
        self.validated_data.pop("file", None)
        return super().build_instance()


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ControlCheckSerializer(AimsModelSerializer):
    control = serializers.SlugRelatedField(
        slug_field="control_id", queryset=Control.objects.all()
    )
    performed_by = UserBriefSerializer(read_only=True)
    evidence = serializers.SlugRelatedField(
        slug_field="reference",
        queryset=Evidence.objects.all(),
        many=True,
        required=False,
    )

    class Meta:
        model = ControlCheck
        fields = [
            "id",
            "version",
            "control",
            "checked_on",
            "performed_by",
            "result",
            "notes",
            "evidence",
            "created",
        ]
        read_only_fields = ["created"]


class CoverageLinkSerializer(serializers.Serializer):
    control = serializers.CharField()
    detail = serializers.CharField()
    derived = serializers.BooleanField()
    applicable = serializers.BooleanField(allow_null=True)
    implementation_status = serializers.CharField(allow_null=True)
    current_evidence = serializers.IntegerField()
    satisfied = serializers.BooleanField()


class CoverageSerializer(serializers.Serializer):
    framework = serializers.CharField()
    ref = serializers.CharField()
    title = serializers.CharField()
    group = serializers.CharField()
    status = serializers.ChoiceField(choices=["covered", "partial", "not_covered"])
    controls = CoverageLinkSerializer(many=True)
