from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from aims.api.viewsets import AimsModelViewSet
from aims.permissions import can, visible_to

from ..filtersets import ConcernFilterSet, IncidentFilterSet, TimelineEntryFilterSet
from ..models import Concern, Incident, TimelineEntry
from ..services import (
    concern_raise,
    concern_respond,
    incident_close,
    incident_save,
    incident_transition,
    incident_triage,
    may_report_on,
    timeline_entry_delete,
    timeline_entry_save,
)
from .serializers import (
    ConcernResponseSerializer,
    ConcernSerializer,
    IncidentCloseSerializer,
    IncidentSerializer,
    IncidentTransitionSerializer,
    IncidentTriageSerializer,
    TimelineEntrySerializer,
)


class IncidentViewSet(AimsModelViewSet):
    """AI incidents (ISO/IEC 42001 A.8.4) and their EU AI Act Art. 73 deadlines.

    Anyone who may see an AI system may report an incident on it; the AIMS managers and
    the committee triage (serious or not, which sets the reporting deadline) and close.
    """

    queryset = Incident.objects.select_related(
        "ai_system", "handler", "reported_by"
    ).prefetch_related("risks")
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    ordering_fields = [
        "reference",
        "aware_at",
        "report_deadline",
        "severity",
        "updated",
    ]
    ordering = ["-aware_at"]
    # Reporting is decided per AI system (may the caller see it?), not by a role.
    add_actions = ()
    object_actions = {"triage": "view", "transition": "change", "close": "view"}

    def perform_create(self, serializer):
        system = serializer.validated_data.get("ai_system")
        if not may_report_on(self.request.user, system):
            raise PermissionDenied("You may not report incidents on this AI system.")
        self._check_risks(serializer.validated_data.get("risks", []))
        instance, m2m, _ = serializer.build_instance()
        serializer.instance = self._save_visible(instance, m2m, None)

    def perform_update(self, serializer):
        self._check_risks(serializer.validated_data.get("risks", []))
        super().perform_update(serializer)

    def _check_risks(self, risks):
        from django.core.exceptions import ValidationError

        from risk.models import Risk

        visible = set(
            visible_to(
                Risk.objects.filter(pk__in=[r.pk for r in risks]), self.request.user
            ).values_list("pk", flat=True)
        )
        if any(risk.pk not in visible for risk in risks):
            raise ValidationError({"risks": "Link only risks you may see."})

    def save_object(self, instance, m2m, expected_version):
        return incident_save(
            incident=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
        )

    def _fresh(self, incident):
        return Response(
            IncidentSerializer(self.get_queryset().get(pk=incident.pk)).data
        )

    @extend_schema(request=IncidentTriageSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def triage(self, request, pk=None):
        """Record whether the incident is serious (Art. 3(49)); the deadline follows."""
        incident = self.get_object()
        if not can(request.user, "triage", Incident):
            raise PermissionDenied(
                "Only AIMS managers and the committee triage incidents."
            )
        body = IncidentTriageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        incident_triage(
            incident=incident,
            actor=request.user,
            is_serious=data["is_serious"],
            serious_limbs=data["serious_limbs"],
            involves_death=data["involves_death"],
            widespread_infringement=data["widespread_infringement"],
            severity=data.get("severity"),
            handler=data.get("handler"),
            rationale=data["rationale"],
            expected_version=data.get("version"),
        )
        return self._fresh(incident)

    @extend_schema(request=IncidentTransitionSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request, pk=None):
        """Move to contained or resolved; other moves give 400."""
        incident = self.get_object()
        body = IncidentTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        incident_transition(
            incident=incident,
            to_status=body.validated_data["status"],
            actor=request.user,
        )
        return self._fresh(incident)

    @extend_schema(request=IncidentCloseSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        """Close a resolved incident with its root cause and corrective actions."""
        incident = self.get_object()
        if not can(request.user, "triage", Incident):
            raise PermissionDenied(
                "Only AIMS managers and the committee close incidents."
            )
        body = IncidentCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        incident_close(
            incident=incident,
            actor=request.user,
            root_cause=body.validated_data["root_cause"],
            corrective_actions=body.validated_data["corrective_actions"],
            closure_summary=body.validated_data["closure_summary"],
            expected_version=body.validated_data.get("version"),
        )
        return self._fresh(incident)


class TimelineEntryViewSet(AimsModelViewSet):
    """The timeline of an incident: actions, reports to the authority, communications."""

    queryset = TimelineEntry.objects.select_related("incident")
    serializer_class = TimelineEntrySerializer
    filterset_class = TimelineEntryFilterSet
    ordering = ["at"]
    # Whoever may change the incident adds to its timeline (checked on the incident).
    add_actions = ()

    def perform_create(self, serializer):
        incident = serializer.validated_data["incident"]
        if not can(self.request.user, "change", incident):
            raise PermissionDenied("You may not change this incident's timeline.")
        instance, m2m, _ = serializer.build_instance()
        serializer.instance = self._save_visible(instance, m2m, None)

    def perform_update(self, serializer):
        new_incident = serializer.validated_data.get("incident")
        if (
            new_incident is not None
            and new_incident.pk != serializer.instance.incident_id
        ):
            from django.core.exceptions import ValidationError

            raise ValidationError(
                {"incident": "A timeline entry stays with its incident."}
            )
        super().perform_update(serializer)

    def save_object(self, instance, m2m, expected_version):
        return timeline_entry_save(
            entry=instance, actor=self.request.user, expected_version=expected_version
        )

    def perform_destroy(self, instance):
        timeline_entry_delete(entry=instance, actor=self.request.user)


class ConcernViewSet(AimsModelViewSet):
    """Concerns about an AI system or the AIMS (ISO/IEC 42001 A.3.3).

    Any signed-in user may raise one; they see their own, the committee and the AIMS
    managers handle them. A withheld name shows as "Name withheld" to everyone but the
    AIMS managers (and the reporter).
    """

    queryset = Concern.objects.select_related("ai_system", "reporter")
    serializer_class = ConcernSerializer
    filterset_class = ConcernFilterSet
    ordering = ["-created"]
    add_actions = ()
    http_method_names = ["get", "post", "delete", "head", "options"]
    object_actions = {"respond": "change"}

    def perform_create(self, serializer):
        instance, _, _ = serializer.build_instance()
        serializer.instance = concern_raise(concern=instance, actor=self.request.user)

    @extend_schema(request=ConcernResponseSerializer, responses=ConcernSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def respond(self, request, pk=None):
        """Set the status and the response the reporter reads."""
        concern = self.get_object()
        body = ConcernResponseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        concern_respond(
            concern=concern,
            actor=request.user,
            status=body.validated_data["status"],
            response=body.validated_data["response"],
            expected_version=body.validated_data.get("version"),
        )
        fresh = self.get_queryset().get(pk=concern.pk)
        return Response(ConcernSerializer(fresh, context={"request": request}).data)
