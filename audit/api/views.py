"""``/api/v1/evidence-packs/``: request (202), follow, download and retry packs.

The same rules as the pages: packs are read through ``EvidencePack.objects.visible_to``
(a pack whose target you cannot see is a 404), requests go through the same service.
"""

import json

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from aims.api.schema import ErrorSerializer
from aims.permissions import can

from ..filtersets import EvidencePackFilterSet
from ..models import EvidencePack
from ..services import (
    DuplicatePackRequest,
    PackNotRetryable,
    evidence_pack_request,
    evidence_pack_retry,
)
from ..views.packs import pack_file_response
from .serializers import DuplicatePackSerializer, EvidencePackSerializer


class PackPermission(BasePermission):
    """Requesting and retrying need the role permission to request packs; reading
    needs the one to view packs. Which packs and targets is decided per pack."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if view.action in ("create", "retry"):
            return can(user, "add", EvidencePack)
        return can(user, "view", EvidencePack)


class PDFRenderer(BaseRenderer):
    """Lets clients ask for ``application/pdf``; errors are still JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode() if isinstance(data, dict) else data


NOT_READY = OpenApiResponse(ErrorSerializer, description="The pack is not ready")


class EvidencePackViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """PDF evidence packs for auditors (ISO/IEC 42001 7.5, 9.2)."""

    queryset = EvidencePack.objects.select_related("requested_by")
    serializer_class = EvidencePackSerializer
    permission_classes = [PackPermission]
    filterset_class = EvidencePackFilterSet
    ordering_fields = ["requested_at", "reference", "status", "kind"]
    ordering = ["-requested_at"]

    def get_queryset(self):
        return self.queryset.all().visible_to(self.request.user)

    @extend_schema(
        responses={
            202: EvidencePackSerializer,
            409: OpenApiResponse(
                DuplicatePackSerializer,
                description="You already have this pack (same kind, target and "
                "parameters) queued or building: `pack` is that one, also at `Location`",
            ),
        }
    )
    def create(self, request, *args, **kwargs):
        """Request a pack: answers at once with 202 and the queued pack; follow its
        ``status`` (queued, building, ready, failed) at the ``Location``. A second
        identical request while the first is queued or building answers 409 with it."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            pack = evidence_pack_request(
                kind=data["kind"],
                target_id=data.get("target_id"),
                parameters=data.get("parameters") or {},
                actor=request.user,
            )
        except DuplicatePackRequest as duplicate:
            location = reverse("evidencepack-detail", args=[duplicate.existing.pk])
            return Response(
                {
                    "detail": str(duplicate),
                    "pack": self.get_serializer(duplicate.existing).data,
                },
                status=status.HTTP_409_CONFLICT,
                headers={"Location": request.build_absolute_uri(location)},
            )
        return self._accepted(pack)

    @extend_schema(
        request=None,
        responses={
            202: EvidencePackSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="Ready, or still queued or building within its time limit",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Queue a failed pack again (or one stuck beyond its time limit)."""
        try:
            pack = evidence_pack_retry(pack=self.get_object(), actor=request.user)
        except PackNotRetryable as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return self._accepted(pack)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            409: NOT_READY,
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, PDFRenderer],
        filter_backends=[],
    )
    def download(self, request, pk=None):
        """The PDF, as an attachment; 409 until the pack is ready."""
        pack = self.get_object()
        if pack.status != "ready" or not pack.file:
            return Response(
                {"detail": f"{pack.reference} is {pack.status}, not ready."},
                status=status.HTTP_409_CONFLICT,
            )
        return pack_file_response(pack)

    def _accepted(self, pack):
        pack.refresh_from_db()
        body = self.get_serializer(pack).data
        location = reverse("evidencepack-detail", args=[pack.pk])
        return Response(
            body,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": self.request.build_absolute_uri(location)},
        )
