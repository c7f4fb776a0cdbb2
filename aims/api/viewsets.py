"""Base viewset of every governance record: restricted queryset, services, versions."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from aims.models import ObjectChange
from aims.permissions import can, visible_to
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

    # A field that defaults to the caller when left out, as the add form pre-selects them.
    default_owner_field: str | None = None

    def create(self, request, *args, **kwargs):
        self._check_may_add_somewhere()
        return super().create(request, *args, **kwargs)

    def _check_may_add_somewhere(self):
        """Permission before validation: a record added through its parent (a system's
        acceptance criterion, an audit's finding) is refused with 403 at once to someone
        who may change no such parent, whatever the body says; otherwise a viewer's
        request would be answered by validation (400 "no such record"). Which parent is
        checked after validation (``_check_parent``). Viewsets that decide adding
        themselves (their own ``perform_create``) are left to it."""
        if "create" in getattr(self, "add_actions", ("create",)):
            return  # the model-wide add permission decided (AimsObjectPermission)
        if type(self).perform_create is not AimsModelViewSet.perform_create:
            return
        model = self.get_queryset().model
        inherited = getattr(model, "inherit_permissions", {}).get("change")
        if inherited is None:
            return
        field = model._meta.get_field(inherited[0])
        if field.null:
            return  # a record without a parent is decided by its own rule
        parent_model, action = field.related_model, inherited[1]
        user = self.request.user
        if can(user, action, parent_model) or (
            visible_to(parent_model._default_manager.all(), user, action).exists()
        ):
            return
        raise PermissionDenied(
            f"You may not add a {model._meta.verbose_name}: that needs the right to "
            f"change its {parent_model._meta.verbose_name}."
        )

    def perform_create(self, serializer):
        field = self.default_owner_field
        model = serializer.Meta.model
        if (
            field
            and field not in serializer.validated_data
            and can(self.request.user, "own", model)
        ):
            serializer.validated_data[field] = self.request.user
        self._check_parent(serializer.validated_data, model)
        instance, m2m, _ = serializer.build_instance()
        serializer.instance = self._save_visible(instance, m2m, None)

    def _check_parent(self, data, model):
        # A record edited through its parent (a risk's treatment action) is added only by
        # whoever may change that parent: 403, as the page gives.
        inherited = getattr(model, "inherit_permissions", {}).get("change")
        if inherited is not None:
            parent = data.get(inherited[0])
            if parent is not None and not can(self.request.user, inherited[1], parent):
                raise PermissionDenied(
                    f"You may not change this {parent._meta.verbose_name}."
                )

    def perform_update(self, serializer):
        read_version = serializer.instance.version
        instance, m2m, body_version = serializer.build_instance()
        if not self._if_match(read_version):
            raise PreconditionFailed()
        if body_version is None and self.request.headers.get("If-Match", "*") != "*":
            # Re-checked under the row lock, so a save in between is still caught.
            body_version = read_version
        serializer.instance = self._save_visible(instance, m2m, body_version)

    def _save_visible(self, instance, m2m, expected_version):
        # As on the pages: nobody creates or edits a record into one they cannot see.
        with transaction.atomic():
            saved = self.save_object(instance, m2m, expected_version)
            if not can(self.request.user, "view", saved):
                raise DjangoValidationError(
                    "After this change you could no longer see this record (for "
                    "example, someone else became its owner). Nothing was saved."
                )
        return saved

    def perform_destroy(self, instance):
        object_delete(instance=instance, actor=self.request.user)

    def _if_match(self, version: int) -> bool:
        """RFC 9110 If-Match: absent or ``*`` passes; otherwise one listed ETag must be
        the current version (weak ETags are compared the same way)."""
        header = self.request.headers.get("If-Match", "").strip()
        if not header or header == "*":
            return True
        tags = [tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")]
        return str(version) in tags

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
        entries = (
            ObjectChange.objects.for_object(self.get_object())
            .select_related("content_type", "related_content_type")
            .order_by("-seq")
        )
        return Response(
            ObjectChangeSerializer(
                entries, many=True, context=self.get_serializer_context()
            ).data
        )


class LookupViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only library (reference data) restricted by the same rule as everything else."""

    filter_backends = []

    def get_queryset(self):
        return visible_to(self.queryset.all(), self.request.user, "view")
