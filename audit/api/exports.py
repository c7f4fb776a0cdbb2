"""``/api/v1/exports/``: request (202), follow, download and retry background exports
of large lists, with the same rules and service as the pages (``audit.services.exports``):
a list one may not see is a 403, an unknown list or format a 400 by field, the same
request while the first is queued or building a 409 with it."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from aims import exports
from aims.api.schema import ErrorSerializer

from ..models import ExportJob
from ..services.exports import DuplicateExportRequest, export_request, export_retry
from ..services.filejobs import JobNotRetryable
from ..views.exports import export_file_response
from .serializers import (
    DuplicateExportSerializer,
    ExportJobSerializer,
    ExportListSerializer,
)


class SpreadsheetRenderer(BaseRenderer):
    media_type = "application/octet-stream"
    format = "file"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        import json

        return json.dumps(data).encode() if isinstance(data, dict) else data


class ExportJobViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Background XLSX/CSV exports of large lists (only your own)."""

    queryset = ExportJob.objects.all()
    serializer_class = ExportJobSerializer
    permission_classes = [IsAuthenticated]
    ordering_fields = ["requested_at", "reference", "status"]
    ordering = ["-requested_at"]
    filterset_class = None

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user).order_by(
            "-requested_at", "-pk"
        )

    @extend_schema(
        responses={
            202: ExportJobSerializer,
            409: OpenApiResponse(
                DuplicateExportSerializer,
                description="You already have this export (same list, filters and "
                "format) queued or building: `export` is that one, also at `Location`",
            ),
        }
    )
    def create(self, request, *args, **kwargs):
        """Request an export: answers at once with 202; follow ``status`` and
        ``progress_percent`` at the ``Location``, then fetch ``download_url``."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            job = export_request(
                list_key=data["list_key"],
                query=data.get("filters") or {},
                fmt=data.get("format") or "xlsx",
                actor=request.user,
            )
        except DuplicateExportRequest as duplicate:
            location = reverse("exportjob-detail", args=[duplicate.existing.pk])
            return Response(
                {
                    "detail": str(duplicate),
                    "export": self.get_serializer(duplicate.existing).data,
                },
                status=status.HTTP_409_CONFLICT,
                headers={"Location": request.build_absolute_uri(location)},
            )
        return self._accepted(job)

    @extend_schema(
        request=None,
        responses={
            202: ExportJobSerializer,
            409: OpenApiResponse(
                ErrorSerializer, description="Ready, or still building in time"
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Queue a failed export again (or one stuck beyond its time limit)."""
        try:
            job = export_retry(job=self.get_object(), actor=request.user)
        except JobNotRetryable as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return self._accepted(job)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            409: OpenApiResponse(ErrorSerializer, description="Not ready"),
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, SpreadsheetRenderer],
        filter_backends=[],
    )
    def download(self, request, pk=None):
        """The file, as an attachment; 409 until the export is ready."""
        job = self.get_object()
        if job.status != "ready" or not job.file:
            return Response(
                {"detail": f"{job.reference} is {job.status}, not ready."},
                status=status.HTTP_409_CONFLICT,
            )
        return export_file_response(job)

    @extend_schema(responses={200: ExportListSerializer(many=True)}, filters=False)
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def lists(self, request):
        """The lists that can be exported in the background."""
        return Response(
            [{"key": item.key, "title": item.title} for item in exports.export_lists()]
        )

    def _accepted(self, job):
        job.refresh_from_db()
        location = reverse("exportjob-detail", args=[job.pk])
        return Response(
            self.get_serializer(job).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": self.request.build_absolute_uri(location)},
        )
