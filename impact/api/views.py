from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.api.permissions import AimsObjectPermission
from aims.api.viewsets import AimsModelViewSet
from aims.permissions import can, visible_to

from ..classification import classify
from ..filtersets import (
    ClassificationFilterSet,
    ImpactAssessmentFilterSet,
    ImpactFilterSet,
    ObligationFilterSet,
)
from ..models import (
    FRIA,
    AssessmentTemplate,
    Classification,
    Impact,
    ImpactAssessment,
    Obligation,
)
from ..services import (
    answers_save,
    assessment_approve,
    assessment_return,
    assessment_revise,
    assessment_save,
    assessment_start,
    assessment_submit,
    classification_record,
    fria_save,
    impact_create_risk,
    impact_save,
    obligation_save,
    template_publish,
)
from .serializers import (
    AssessmentTemplateSerializer,
    ClassificationSerializer,
    DryRunResultSerializer,
    DryRunSerializer,
    FRIASerializer,
    ImpactAssessmentSerializer,
    ImpactSerializer,
    NoteSerializer,
    ObligationSerializer,
)


class AssessmentTemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Impact assessment template versions. POST publishes a new current version; assessments
    already started keep theirs."""

    queryset = AssessmentTemplate.objects.all()
    serializer_class = AssessmentTemplateSerializer
    permission_classes = [AimsObjectPermission]
    filter_backends = []

    def get_queryset(self):
        return visible_to(self.queryset.all(), self.request.user, "view")

    def perform_create(self, serializer):
        serializer.instance = template_publish(
            actor=self.request.user, **serializer.validated_data
        )


class ImpactAssessmentViewSet(AimsModelViewSet):
    """AI system impact assessments (ISO/IEC 42001 6.1.4, 8.4, A.5). POST starts the first
    assessment of ``ai_system`` (its owner or an AIMS manager); approved ones are frozen (403)."""

    queryset = ImpactAssessment.objects.select_related(
        "ai_system", "template", "owner", "submitted_by", "approved_by"
    ).prefetch_related("impacts")
    serializer_class = ImpactAssessmentSerializer
    filterset_class = ImpactAssessmentFilterSet
    ordering_fields = ["reference", "revision", "next_review_date", "updated"]
    ordering = ["-reference", "-revision"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    object_actions = {
        "submit": "change",
        "approve": "view",
        "return_to_draft": "view",
        "revise": "view",
    }

    def _fresh(self, pk):
        return Response(ImpactAssessmentSerializer(self.get_queryset().get(pk=pk)).data)

    def perform_create(self, serializer):
        data = serializer.validated_data
        assessment = assessment_start(
            system=data["ai_system"],
            actor=self.request.user,
            assessor=data.get("assessor"),
        )
        if "answers" in data:
            answers_save(
                assessment=assessment, actor=self.request.user, answers=data["answers"]
            )
        serializer.instance = assessment

    def save_object(self, instance, m2m, expected_version):
        answers = (
            self.request.data.get("answers")
            if isinstance(self.request.data, dict)
            else None
        )
        stored_answers = ImpactAssessment.objects.get(pk=instance.pk).answers
        instance.answers = stored_answers
        saved = assessment_save(
            assessment=instance,
            actor=self.request.user,
            expected_version=expected_version,
        )
        if answers is not None:
            saved = answers_save(
                assessment=saved, actor=self.request.user, answers=answers
            )
        return saved

    @extend_schema(request=None, responses=ImpactAssessmentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        """Submit a draft for approval (all required answers, at least one impact)."""
        assessment = assessment_submit(assessment=self.get_object(), actor=request.user)
        return self._fresh(assessment.pk)

    @extend_schema(request=NoteSerializer, responses=ImpactAssessmentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        """Approve (committee or designated approver, never the author)."""
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assessment = assessment_approve(
            assessment=self.get_object(),
            actor=request.user,
            note=body.validated_data.get("note", ""),
        )
        return self._fresh(assessment.pk)

    @extend_schema(request=NoteSerializer, responses=ImpactAssessmentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], url_path="return")
    def return_to_draft(self, request, pk=None):
        """Return an assessment in review to draft, with a note."""
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assessment = assessment_return(
            assessment=self.get_object(),
            actor=request.user,
            note=body.validated_data.get("note", ""),
        )
        return self._fresh(assessment.pk)

    @extend_schema(request=None, responses=ImpactAssessmentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def revise(self, request, pk=None):
        """Start a revision (a draft copy) of the approved assessment."""
        revision = assessment_revise(assessment=self.get_object(), actor=request.user)
        return self._fresh(revision.pk)


class ImpactViewSet(AimsModelViewSet):
    """Impacts (benefits and harms) of an assessment; changed only while it is a draft."""

    queryset = Impact.objects.select_related("assessment")
    serializer_class = ImpactSerializer
    filterset_class = ImpactFilterSet
    ordering = ["pk"]
    object_actions = {"create_risk": "view"}

    def save_object(self, instance, m2m, expected_version):
        return impact_save(
            impact=instance, actor=self.request.user, expected_version=expected_version
        )

    def perform_destroy(self, instance):
        from ..services import impact_delete

        impact_delete(impact=instance, actor=self.request.user)

    @extend_schema(request=None, responses=ImpactSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], url_path="create-risk")
    def create_risk(self, request, pk=None):
        """Create a risk in the register from this harm and link both ways."""
        impact = self.get_object()
        impact_create_risk(impact=impact, actor=request.user)
        return Response(ImpactSerializer(Impact.objects.get(pk=impact.pk)).data)


class ClassificationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """EU AI Act classifications, versioned per AI system. POST classifies a system (the
    same function as the page and the dry run)."""

    queryset = Classification.objects.select_related("ai_system", "created_by")
    serializer_class = ClassificationSerializer
    permission_classes = [AimsObjectPermission]
    filterset_class = ClassificationFilterSet

    def get_queryset(self):
        return visible_to(self.queryset.all(), self.request.user, "view")

    def perform_create(self, serializer):
        data = serializer.validated_data
        if not can(self.request.user, "view", data["ai_system"]):
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"ai_system": ["Choose an AI system you can see."]})
        serializer.instance = classification_record(
            system=data["ai_system"],
            actor=self.request.user,
            answers=data["answers"],
            operator_role=data["operator_role"],
            notes=data.get("notes", ""),
        )


class ClassificationDryRunView(APIView):
    """Classify without recording: POST answers keyed by reference IDs (e.g. "Art. 5(1)(f)",
    "Annex III 4(a)", "Art. 6(3)(a)", "Art. 50(1)") and the operator role; get the tier,
    the basis, whether a FRIA is required and the obligation IDs. Unknown IDs are a 400."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=DryRunSerializer, responses=DryRunResultSerializer)
    def post(self, request):
        body = DryRunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = classify(
            body.validated_data["answers"], body.validated_data["operator_role"]
        )
        return Response(result.as_json())


class ObligationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """EU AI Act obligations per system (they follow from the classification); update
    status, owner, due date and evidence."""

    queryset = Obligation.objects.select_related("ai_system", "owner").prefetch_related(
        "evidence"
    )
    serializer_class = ObligationSerializer
    permission_classes = [AimsObjectPermission]
    filterset_class = ObligationFilterSet

    get_queryset = AimsModelViewSet.get_queryset
    perform_update = AimsModelViewSet.perform_update
    _save_visible = AimsModelViewSet._save_visible
    _if_match = AimsModelViewSet._if_match

    def save_object(self, instance, m2m, expected_version):
        return obligation_save(
            obligation=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
        )


class FRIAViewSet(AimsModelViewSet):
    """Fundamental rights impact assessments (EU AI Act Art. 27), one per AI system."""

    queryset = FRIA.objects.select_related("ai_system")
    serializer_class = FRIASerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering = ["pk"]

    def save_object(self, instance, m2m, expected_version):
        if instance.pk is None and not can(
            self.request.user, "change", instance.ai_system
        ):
            raise PermissionDenied(
                "Only the system's owner or an AIMS manager may edit its FRIA."
            )
        return fria_save(
            fria=instance, actor=self.request.user, expected_version=expected_version
        )
