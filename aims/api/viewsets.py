"""Base viewset of every governance record: restricted queryset, services, versions."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from aims.models import ObjectChange
from aims.permissions import visible_to
from aims.services import object_delete, object_save

from .exceptions import PreconditionFailed
from .permissions import AimsObjectPermission
from .serializers import ObjectChangeSerializer

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The version you read (the ETag, e.g. "3"); a newer stored version gives 412.',
)


class AimsModelViewSet(viewsets.ModelViewSet):
    """Writes go through ``save_object`` (the app's service) so pages and API share rules."""

    permission_classes = [AimsObjectPermission]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return visible_to(self.queryset.all(), self.request.user, "view")

    # Writes

    def save_object(self, instance, m2m: dict, expected_version: int | None):
        return object_save(
            instance=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
        )

    def perform_create(self, serializer):
        instance, m2m, _ = serializer.build_instance()
        serializer.instance = self.save_object(instance, m2m, None)

    def perform_update(self, serializer):
        instance, m2m, body_version = serializer.build_instance()
        header_version = self._if_match_version()
        if header_version is not None and header_version != serializer.instance.version:
            raise PreconditionFailed()
        serializer.instance = self.save_object(
            instance, m2m, header_version or body_version
        )

    def perform_destroy(self, instance):
        object_delete(instance=instance, actor=self.request.user)

    def _if_match_version(self) -> int | None:
        header = self.request.headers.get("If-Match", "").strip()
        if not header or header == "*":
            return None
        value = header.removeprefix("W/").strip('"')
        if not value.isdigit():
            raise ValidationError(
                {"If-Match": ['Use the ETag you received, e.g. "3".']}
            )
        return int(value)

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        version = getattr(response, "data", None)
        if (
            self.detail
            and isinstance(version, dict)
            and "version" in version
            and response.status_code < 300
        ):
            response["ETag"] = f'"{version["version"]}"'
        return response

    # History of one record

    @extend_schema(responses=ObjectChangeSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request, pk=None):
        """Every change-log entry of this record (and of records that belong to it), newest first."""
        obj = self.get_object()
        content_type = ContentType.objects.get_for_model(obj)
        entries = (
            ObjectChange.objects.filter(
                Q(content_type=content_type, object_id=str(obj.pk))
                | Q(related_content_type=content_type, related_object_id=str(obj.pk))
            )
            .select_related("content_type", "related_content_type")
            .order_by("-seq")
        )
        return Response(ObjectChangeSerializer(entries, many=True).data)
