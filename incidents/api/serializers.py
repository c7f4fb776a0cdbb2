from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.api.serializers import AimsModelSerializer, UserBriefSerializer
from registry.models import AISystem

from ..choices import ConcernStatus, Severity
from ..deadlines import serious_incident_limbs
from ..models import Concern, Incident, TimelineEntry


class IncidentSerializer(AimsModelSerializer):
    ai_system = serializers.PrimaryKeyRelatedField(queryset=AISystem.objects.all())
    handler = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        required=False,
    )
    handler_detail = UserBriefSerializer(
        source="handler", read_only=True, allow_null=True
    )
    reported_by = UserBriefSerializer(read_only=True, allow_null=True)
    deadline_state = serializers.CharField(
        read_only=True,
        help_text='"" (not serious), "pending", "overdue", "met" or "missed".',
    )
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "version",
            "ai_system",
            "title",
            "description",
            "severity",
            "status",
            "occurred_at",
            "detected_at",
            "aware_at",
            "time_zone",
            "affected_persons",
            "harm",
            "handler",
            "handler_detail",
            "reported_by",
            "risks",
            "is_serious",
            "serious_limbs",
            "involves_death",
            "widespread_infringement",
            "triage_rationale",
            "triaged_at",
            "deadline_rule",
            "report_deadline",
            "reported_to_authority_at",
            "deadline_state",
            "root_cause",
            "corrective_actions",
            "closure_summary",
            "closed_at",
            "created",
            "updated",
            "web_url",
        ]
        # The determination and closure are their own actions (triage, close).
        read_only_fields = [
            "reference",
            "status",
            "is_serious",
            "serious_limbs",
            "involves_death",
            "widespread_infringement",
            "triage_rationale",
            "triaged_at",
            "deadline_rule",
            "report_deadline",
            "reported_to_authority_at",
            "closure_summary",
            "closed_at",
            "created",
            "updated",
        ]


class IncidentTriageSerializer(serializers.Serializer):
    is_serious = serializers.BooleanField()
    serious_limbs = serializers.ListField(
        child=serializers.ChoiceField(choices=[]), required=False, default=list
    )
    involves_death = serializers.BooleanField(required=False, default=False)
    widespread_infringement = serializers.BooleanField(required=False, default=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    handler = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    rationale = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["serious_limbs"].child.choices = [
            ref for ref, _ in serious_incident_limbs()
        ]


class IncidentTransitionSerializer(serializers.Serializer):
    status = serializers.CharField()


class IncidentCloseSerializer(serializers.Serializer):
    root_cause = serializers.CharField(allow_blank=True)
    corrective_actions = serializers.CharField(allow_blank=True)
    closure_summary = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)


class TimelineEntrySerializer(AimsModelSerializer):
    incident = serializers.PrimaryKeyRelatedField(queryset=Incident.objects.all())

    class Meta:
        model = TimelineEntry
        fields = [
            "id",
            "version",
            "incident",
            "at",
            "kind",
            "summary",
            "authority",
            "external_reference",
            "report_type",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]


class ConcernSerializer(AimsModelSerializer):
    ai_system = serializers.PrimaryKeyRelatedField(
        queryset=AISystem.objects.all(), allow_null=True, required=False
    )
    reporter = serializers.SerializerMethodField(
        help_text='The reporter as you may see them: a name, "You" or "Name withheld".'
    )
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Concern
        fields = [
            "id",
            "reference",
            "version",
            "ai_system",
            "subject",
            "description",
            "name_withheld",
            "reporter",
            "status",
            "response",
            "responded_at",
            "created",
            "web_url",
        ]
        read_only_fields = [
            "reference",
            "status",
            "response",
            "responded_at",
            "created",
        ]

    @extend_schema_field(serializers.CharField())
    def get_reporter(self, concern) -> str:
        return concern.reporter_shown_to(self.context["request"].user)


class ConcernResponseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ConcernStatus.choices)
    response = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)
