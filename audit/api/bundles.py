"""``/api/v1/auditor-bundles/``: request (202), follow, download and retry bundles,
and the portal's public signing key. The same rules and service as the pages."""

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from aims import signing
from aims.api.schema import ErrorSerializer

from ..filtersets import AuditorBundleFilterSet
from ..models import AuditorBundle
from ..services import (
    DuplicateBundleRequest,
    PackNotRetryable,
    auditor_bundle_request,
    auditor_bundle_retry,
    may_request_bundles,
)
from ..views.bundles import bundle_file_response, may_view_bundles
from .serializers import AuditorBundleSerializer, DuplicateBundleSerializer


class BundlePermission(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if view.action in ("create", "retry"):
            return may_request_bundles(user)
        return may_view_bundles(user)


class ZipRenderer(BaseRenderer):
    media_type = "application/zip"
    format = "zip"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        import json

        return json.dumps(data).encode() if isinstance(data, dict) else data


class PEMRenderer(BaseRenderer):
    media_type = "application/x-pem-file"
    format = "pem"
    charset = "ascii"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        import json

        return json.dumps(data).encode() if isinstance(data, dict) else data


class AuditorBundleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Signed auditor bundles (ISO/IEC 42001 7.5.3, 9.2) that verify offline."""

    queryset = AuditorBundle.objects.select_related("requested_by").prefetch_related(
        "packs"
    )
    serializer_class = AuditorBundleSerializer
    permission_classes = [BundlePermission]
    filterset_class = AuditorBundleFilterSet
    ordering_fields = ["requested_at", "reference", "status"]
    ordering = ["-requested_at"]

    def get_queryset(self):
        return self.queryset.all().visible_to(self.request.user)

    @extend_schema(
        responses={
            202: AuditorBundleSerializer,
            409: OpenApiResponse(
                DuplicateBundleSerializer,
                description="You already have a bundle of the same packs and scope "
                "queued or building: `bundle` is that one, also at `Location`",
            ),
        }
    )
    def create(self, request, *args, **kwargs):
        """Request a bundle: answers at once with 202; follow ``status`` and
        ``progress_percent`` at the ``Location``. The same request again while the
        first is queued or building answers 409 with it."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            bundle = auditor_bundle_request(
                packs=data.get("packs", []),
                purpose=data.get("purpose", ""),
                change_log_since=data.get("change_log_since"),
                actor=request.user,
            )
        except DuplicateBundleRequest as duplicate:
            location = reverse("auditorbundle-detail", args=[duplicate.existing.pk])
            return Response(
                {
                    "detail": str(duplicate),
                    "bundle": self.get_serializer(duplicate.existing).data,
                },
                status=status.HTTP_409_CONFLICT,
                headers={"Location": request.build_absolute_uri(location)},
            )
        return self._accepted(bundle)

    @extend_schema(
        request=None,
        responses={
            202: AuditorBundleSerializer,
            409: OpenApiResponse(
                ErrorSerializer, description="Ready, or still building in time"
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Queue a failed bundle again (or one stuck beyond its time limit)."""
        try:
            bundle = auditor_bundle_retry(bundle=self.get_object(), actor=request.user)
        except PackNotRetryable as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return self._accepted(bundle)

    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            409: OpenApiResponse(ErrorSerializer, description="Not ready"),
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, ZipRenderer],
        filter_backends=[],
    )
    def download(self, request, pk=None):
        """The ZIP, as an attachment; 409 until the bundle is ready."""
        bundle = self.get_object()
        if bundle.status != "ready" or not bundle.file:
            return Response(
                {"detail": f"{bundle.reference} is {bundle.status}, not ready."},
                status=status.HTTP_409_CONFLICT,
            )
        return bundle_file_response(bundle)

    @extend_schema(
        responses={(200, "application/x-pem-file"): OpenApiTypes.STR},
        filters=False,
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="public-key",
        renderer_classes=[JSONRenderer, PEMRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def public_key(self, request):
        """The portal's Ed25519 public key (PEM) that bundles and checkpoints are
        signed with; its fingerprint is in the ``X-Key-Fingerprint`` header."""
        response = HttpResponse(
            signing.public_key_pem(), content_type="application/x-pem-file"
        )
        response["X-Key-Fingerprint"] = signing.key_id()
        return response

    def _accepted(self, bundle):
        bundle.refresh_from_db()
        body = self.get_serializer(bundle).data
        location = reverse("auditorbundle-detail", args=[bundle.pk])
        return Response(
            body,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": self.request.build_absolute_uri(location)},
        )
