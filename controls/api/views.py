from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from aims import exports
from aims.api.permissions import AimsObjectPermission
from aims.api.viewsets import AimsModelViewSet, LookupViewSet
from aims.permissions import can, visible_to
from registry.models import AISystem
from risk.models import Risk

from ..exports import soa_exporter
from ..filtersets import (
    ControlCheckFilterSet,
    ControlFilterSet,
    EvidenceFilterSet,
    SoAEntryFilterSet,
)
from ..models import (
    Control,
    ControlCheck,
    ControlDomain,
    Evidence,
    EvidenceFile,
    Requirement,
    SoAEntry,
    SoAVersion,
)
from ..selectors import FRAMEWORKS, annotate_rows, coverage, soa_rows
from ..services import (
    FrozenVersion,
    control_check_save,
    control_save,
    evidence_add_file,
    evidence_save,
    may_download,
    may_record_any_check,
    may_record_check,
    soa_approve,
    soa_compare,
    soa_current,
    soa_entry_save,
    soa_new_draft,
)
from ..views import file_response
from .serializers import (
    ApproveSerializer,
    ControlChangeSerializer,
    ControlCheckSerializer,
    ControlDomainSerializer,
    ControlSerializer,
    CoverageSerializer,
    EvidenceFileSerializer,
    EvidenceSerializer,
    NewDraftSerializer,
    RequirementSerializer,
    SoAEntrySerializer,
    SoAVersionSerializer,
    UploadSerializer,
)


class ControlViewSet(AimsModelViewSet):
    """The control library: Annex A (read-only, from the reference) and your own controls."""

    queryset = Control.objects.select_related("domain").prefetch_related(
        "crosswalk__requirement"
    )
    serializer_class = ControlSerializer
    filterset_class = ControlFilterSet
    ordering_fields = ["position", "control_id"]
    ordering = ["position", "control_id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def save_object(self, instance, m2m, expected_version):
        return control_save(
            control=instance, actor=self.request.user, expected_version=expected_version
        )

    def perform_update(self, serializer):
        if not serializer.instance.is_custom:
            raise PermissionDenied(
                "Annex A controls come from the reference library and are not edited."
            )
        super().perform_update(serializer)


class ControlDomainViewSet(LookupViewSet):
    queryset = ControlDomain.objects.all()
    serializer_class = ControlDomainSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        if not can(self.request.user, "view", Control):
            return ControlDomain.objects.none()
        return self.queryset.all()


class RequirementViewSet(LookupViewSet):
    """EU AI Act articles and NIST AI RMF categories that controls map to."""

    queryset = Requirement.objects.all()
    serializer_class = RequirementSerializer

    def get_queryset(self):
        if not can(self.request.user, "view", Control):
            return Requirement.objects.none()
        return self.queryset.all()


class SoAVersionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Versions of the Statement of Applicability. Drafts are edited through their
    entries; the committee approves; approved versions are frozen."""

    queryset = SoAVersion.objects.select_related("approved_by", "based_on")
    serializer_class = SoAVersionSerializer
    permission_classes = [AimsObjectPermission]
    filter_backends = []
    lookup_field = "number"
    add_actions = ("new_draft",)
    object_actions = {"approve": "view", "compare": "view", "export": "view"}

    def get_queryset(self):
        soa_current()  # a new portal has draft 1
        return visible_to(self.queryset.all(), self.request.user, "view")

    @extend_schema(request=ApproveSerializer, responses=SoAVersionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, number=None):
        """Approve this draft (governance committee only): it is frozen for good."""
        version = self.get_object()
        if not request.user.has_perm("controls.approve_soaversion"):
            raise PermissionDenied("Only the governance committee approves the SoA.")
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            soa_approve(
                version=version,
                actor=request.user,
                comment=body.validated_data["comment"],
            )
        except FrozenVersion as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(
            self.get_serializer(self.get_queryset().get(pk=version.pk)).data
        )

    @extend_schema(request=NewDraftSerializer, responses={201: SoAVersionSerializer})
    @action(detail=False, methods=["post"], url_path="new-draft")
    def new_draft(self, request):
        """Start the next draft from the newest approved version."""
        body = NewDraftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        draft = soa_new_draft(
            actor=request.user, summary=body.validated_data["summary"]
        )
        return Response(self.get_serializer(draft).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("other", int, required=True)],
        responses=ControlChangeSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def compare(self, request, number=None):
        """The controls whose rows differ between this version and version ``other``."""
        version = self.get_object()
        try:
            other = SoAVersion.objects.get(number=int(request.query_params["other"]))
        except (KeyError, ValueError, SoAVersion.DoesNotExist) as exc:
            raise ValidationError(
                {"other": ["Give the number of another version."]}
            ) from exc
        changes = soa_compare(version, other)
        return Response(ControlChangeSerializer(changes, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("export_format", str, enum=list(exports.FORMATS))],
        responses={(200, "application/octet-stream"): bytes},
    )
    @action(detail=True, methods=["get"], url_path="export")
    def export(self, request, number=None):
        """The SoA version as CSV or XLSX (query parameter ``export_format``)."""
        version = self.get_object()
        fmt = request.query_params.get("export_format", "csv")
        if fmt not in exports.FORMATS:
            raise ValidationError(
                {"export_format": [f"Use one of {', '.join(exports.FORMATS)}."]}
            )
        return soa_exporter.response(
            soa_rows(version, reader=request.user),
            fmt,
            f"statement-of-applicability-v{version.number}",
            user=request.user,
        )


class SoAEntryViewSet(AimsModelViewSet):
    """Rows of the SoA. Filter with ``soa_version`` (default: the current version).
    Control owners edit their rows of the draft; approved versions are frozen (403)."""

    queryset = SoAEntry.objects.all()
    serializer_class = SoAEntrySerializer
    filterset_class = SoAEntryFilterSet
    http_method_names = ["get", "put", "patch", "head", "options"]
    ordering = None
    ordering_fields = []

    def get_queryset(self):
        number = self.request.query_params.get("soa_version")
        if number is not None and self.action == "list":
            if not number.isdigit():
                raise ValidationError({"soa_version": ["Give a version number."]})
            version = SoAVersion.objects.filter(number=int(number)).first()
            # An unknown version has no rows; they keep the annotated columns, so
            # every filter (failing check, without evidence) still applies.
            rows = (
                soa_rows(version, reader=self.request.user)
                if version is not None
                else annotate_rows(SoAEntry.objects.none())
            )
        elif self.action == "list":
            rows = soa_rows(soa_current(), reader=self.request.user)
        else:
            rows = annotate_rows(SoAEntry.objects.all(), reader=self.request.user)
        return visible_to(rows, self.request.user, "view")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "soa_version", int, description="Default: the current version."
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_update(self, serializer):
        if not serializer.instance.soa.is_draft:
            raise PermissionDenied(
                f"SoA version {serializer.instance.soa.number} is approved and frozen; "
                "start a new draft to change it."
            )
        super().perform_update(serializer)

    def save_object(self, instance, m2m, expected_version):
        return soa_entry_save(
            entry=instance, actor=self.request.user, expected_version=expected_version
        )


class EvidenceViewSet(AimsModelViewSet):
    """Evidence items (files and links). One item links to many controls, risks and
    AI systems. Files are never replaced: ``upload`` adds a version."""

    queryset = Evidence.objects.select_related("owner").prefetch_related(
        "controls",
        Prefetch("files", queryset=EvidenceFile.objects.select_related("uploaded_by")),
    )
    serializer_class = EvidenceSerializer
    filterset_class = EvidenceFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = ["reference", "collected_on", "valid_until"]
    ordering = ["-reference"]
    default_owner_field = "owner"
    add_actions = ("create",)
    object_actions = {"upload": "change", "download": "view"}

    def get_queryset(self):
        user = self.request.user
        return (
            super()
            .get_queryset()
            # Only the links the caller may see are read (EvidenceSerializer).
            .prefetch_related(
                Prefetch(
                    "risks",
                    queryset=visible_to(Risk.objects.all(), user),
                    to_attr="visible_risks",
                ),
                Prefetch(
                    "ai_systems",
                    queryset=visible_to(AISystem.objects.all(), user),
                    to_attr="visible_ai_systems",
                ),
            )
        )

    def perform_update(self, serializer):
        super().perform_update(serializer)
        # The visible links were read before the save: the answer reads them again.
        for name in ("visible_risks", "visible_ai_systems"):
            serializer.instance.__dict__.pop(name, None)

    def perform_create(self, serializer):
        self._upload = serializer.validated_data.get("file")
        super().perform_create(serializer)

    def save_object(self, instance, m2m, expected_version):
        return evidence_save(
            evidence=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
            upload=getattr(self, "_upload", None),
        )

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: EvidenceFileSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def upload(self, request, pk=None):
        """Add a new file version; earlier versions are kept."""
        evidence = self.get_object()
        body = UploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        stored = evidence_add_file(
            evidence=evidence, upload=body.validated_data["file"], actor=request.user
        )
        return Response(
            EvidenceFileSerializer(stored).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "number", int, description="File version; default: the newest."
            )
        ],
        responses={(200, "application/octet-stream"): bytes},
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def download(self, request, pk=None):
        """The file as an attachment (restricted evidence: owners, auditors, committee, managers)."""
        evidence = self.get_object()
        if not may_download(request.user, evidence):
            raise PermissionDenied("This evidence is restricted.")
        files = evidence.files.all()
        number = request.query_params.get("number")
        if number is not None:
            if not number.isdigit():
                raise ValidationError({"number": ["Give a file version number."]})
            files = files.filter(number=int(number))
        stored = files.order_by("-number").first()
        if stored is None:
            raise Http404("No such file")
        return file_response(stored, request)


class ControlCheckViewSet(AimsModelViewSet):
    """Effectiveness checks. Recorded by managers and by the control's owner; never edited."""

    queryset = ControlCheck.objects.select_related(
        "control", "performed_by"
    ).prefetch_related("evidence")
    serializer_class = ControlCheckSerializer
    filterset_class = ControlCheckFilterSet
    http_method_names = ["get", "post", "head", "options"]
    add_actions = ()
    ordering_fields = ["checked_on"]
    ordering = ["-checked_on"]

    def create(self, request, *args, **kwargs):
        if not may_record_any_check(request.user):
            raise PermissionDenied("You may not record control checks.")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        control = serializer.validated_data["control"]
        if not may_record_check(self.request.user, control):
            raise PermissionDenied("You may not record checks of this control.")
        instance, m2m, _ = serializer.build_instance()
        instance.performed_by = self.request.user
        serializer.instance = control_check_save(
            check=instance, actor=self.request.user, m2m=m2m
        )


class CoverageViewSet(viewsets.ViewSet):
    """Crosswalk coverage: each EU AI Act article / NIST AI RMF category and whether the
    mapped controls are applicable, implemented and evidenced in the current SoA."""

    serializer_class = CoverageSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("framework", str, enum=[f for f, _ in FRAMEWORKS])
        ],
        responses=CoverageSerializer(many=True),
    )
    def list(self, request):
        if not can(request.user, "view", Control):
            raise PermissionDenied("You may not view the controls.")
        framework = request.query_params.get("framework", FRAMEWORKS[0][0])
        if framework not in dict(FRAMEWORKS):
            raise ValidationError(
                {"framework": [f"Use one of {', '.join(dict(FRAMEWORKS))}."]}
            )
        items = coverage(soa_current(), framework)
        return Response(
            [
                {
                    "framework": framework,
                    "ref": item.requirement.ref,
                    "title": item.requirement.title,
                    "group": item.requirement.group,
                    "status": item.status,
                    "controls": [
                        {
                            "control": link.control.control_id,
                            "detail": link.detail,
                            "derived": link.derived,
                            "applicable": state.entry.applicable if state else None,
                            "implementation_status": state.entry.implementation_status
                            if state
                            else None,
                            "current_evidence": state.entry.current_evidence_count
                            if state
                            else 0,
                            "satisfied": bool(state and state.satisfied),
                        }
                        for link, state in item.links
                    ],
                }
                for item in items
            ]
        )
