from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.api.serializers import (
    AimsModelSerializer,
    ModelSerializer,
    UserBriefSerializer,
)
from controls.models import Control, Evidence
from registry.models import AIRole, AISystem
from risk.models import AIObjective

from .. import forms
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
    SystemRoleAssignment,
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


# What the API adds around a referenced record's form fields.
REFERENCED = ("id", "reference", "version")
STAMPED = ("created", "updated", "web_url")


class ApprovalSerializer(serializers.Serializer):
    top_management = serializers.BooleanField(
        help_text="The approver held a top-management role that day (roles records)."
    )
    top_management_roles = serializers.ListField(child=serializers.CharField())
    requires_top_management = serializers.BooleanField(
        help_text="The approval is top management's (the AI policy, the scope)."
    )
    flagged = serializers.BooleanField(
        help_text="Top management's approval given by someone who was not."
    )


@extend_schema_field(ApprovalSerializer(allow_null=True))
class ApprovalField(serializers.Field):
    """Who approved and whether they were top management; the roles records are read
    once per response (kept in the serializer context), not once per row."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Null until approved.")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        from ..approvals import TopManagement

        context = self.context
        if "_top_management" not in context:
            context["_top_management"] = TopManagement()
        top = context["_top_management"]
        approval = (
            top.of_version(obj)
            if isinstance(obj, DocumentVersion)
            else top.of_scope(obj)
        )
        return approval.as_dict() if approval else None


def from_form(form, *, before=("id", "version"), after=()) -> list[str]:
    """A serializer's fields: what people write is the form's list (one source for
    pages and API), framed by what only the API shows (keys, versions, links)."""
    return [*before, *form.Meta.fields, *after]


class OrganisationContextSerializer(AimsModelSerializer):
    ai_roles = serializers.SlugRelatedField(
        slug_field="slug", queryset=AIRole.objects.all(), many=True, required=False
    )

    class Meta:
        model = OrganisationContext
        fields = from_form(forms.OrganisationContextForm, after=("updated",))
        read_only_fields = ["updated"]


class ContextIssueSerializer(AimsModelSerializer):
    owner = _user()
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = ContextIssue
        fields = from_form(forms.ContextIssueForm, before=REFERENCED, after=STAMPED)
        read_only_fields = ["reference", "created", "updated"]


class InterestedPartySerializer(AimsModelSerializer):
    owner = _user()
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = InterestedParty
        fields = from_form(forms.InterestedPartyForm, before=REFERENCED, after=STAMPED)
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
        fields = from_form(forms.PartyRequirementForm, after=("created", "updated"))
        read_only_fields = ["created", "updated"]


class ScopeVersionSerializer(AimsModelSerializer):
    ai_systems = _systems()
    approved_by = UserBriefSerializer(read_only=True, allow_null=True)
    approval = ApprovalField()
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = ScopeVersion
        fields = from_form(
            forms.ScopeVersionForm,
            before=("id", "number", "version", "status"),
            after=(
                "approved_by",
                "approved_at",
                "approval_comment",
                "approval",
                "web_url",
            ),
        )
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
        fields = from_form(forms.DocumentForm, before=REFERENCED, after=STAMPED)
        read_only_fields = ["reference", "created", "updated"]


class DocumentVersionSerializer(AimsModelSerializer):
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all())
    author = UserBriefSerializer(read_only=True)
    approver = UserBriefSerializer(read_only=True, allow_null=True)
    approval = ApprovalField()
    file = serializers.FileField(
        write_only=True, required=False, help_text="Optional file (evidence store)."
    )
    evidence = serializers.PrimaryKeyRelatedField(read_only=True)
    sha256 = serializers.SerializerMethodField()
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = DocumentVersion
        fields = from_form(
            forms.DocumentVersionForm,
            before=("id", "document", "number", "version", "status"),
            after=(
                "author",
                "approver",
                "approved_at",
                "approval_comment",
                "approval",
                "file",
                "evidence",
                "sha256",
                "created",
                "updated",
                "web_url",
            ),
        )
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


class PendingVersionSerializer(ModelSerializer):
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
        fields = from_form(forms.ObjectiveForm, before=REFERENCED, after=STAMPED)
        read_only_fields = ["reference", "created", "updated"]


class IndicatorSerializer(AimsModelSerializer):
    status = serializers.SerializerMethodField(
        help_text="on_track, at_risk, off_track or no_data, from the latest measurement."
    )
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = Indicator
        fields = from_form(forms.IndicatorForm, after=("status", "web_url"))

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
        fields = from_form(forms.MeasurementForm, after=("created", "updated"))
        read_only_fields = ["created", "updated"]


class PlannedChangeSerializer(AimsModelSerializer):
    responsible = _user()
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = PlannedChange
        fields = from_form(forms.PlannedChangeForm, before=REFERENCED, after=STAMPED)
        read_only_fields = ["reference", "created", "updated"]


class AimsRoleSerializer(AimsModelSerializer):
    web_url = serializers.CharField(**WEB_URL)

    class Meta:
        model = AimsRole
        fields = from_form(forms.AimsRoleForm, after=("web_url",))


class RoleAssignmentSerializer(AimsModelSerializer):
    person = _user()
    deputy = _user(allow_null=True, required=False)

    class Meta:
        model = RoleAssignment
        fields = from_form(forms.RoleAssignmentForm, after=())


class SystemRoleAssignmentSerializer(AimsModelSerializer):
    ai_system = serializers.PrimaryKeyRelatedField(queryset=AISystem.objects.all())
    person = _user()

    class Meta:
        model = SystemRoleAssignment
        fields = from_form(forms.SystemRoleAssignmentForm)


class CommitmentSerializer(AimsModelSerializer):
    made_by = _user()
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Commitment
        fields = from_form(forms.CommitmentForm, after=())


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
        fields = from_form(forms.CompetenceRequirementForm, after=())


class TrainingRecordSerializer(AimsModelSerializer):
    person = _user()
    certificate = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = TrainingRecord
        fields = from_form(forms.TrainingRecordForm, after=())


class CommunicationItemSerializer(AimsModelSerializer):
    communicator = _user()

    class Meta:
        model = CommunicationItem
        fields = from_form(forms.CommunicationItemForm, after=())


class CommunicationRecordSerializer(AimsModelSerializer):
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = CommunicationRecord
        fields = from_form(forms.CommunicationRecordForm, after=())


class CompetenceGapSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(source="requirement.pk")
    requirement_title = serializers.CharField(source="requirement.title")
    person = serializers.IntegerField(source="person.pk")
    username = serializers.CharField(source="person.username")
    reason = serializers.CharField(help_text="missing or expired")
    since = serializers.DateField()
