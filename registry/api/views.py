from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from aims.api.viewsets import AimsModelViewSet, LookupViewSet
from aims.models import Tag
from registry.filtersets import AISystemFilterSet
from registry.imports import ImportFileError, ai_system_import, read_csv
from registry.models import AIRole, AISystem, DataCategory
from registry.services import ai_system_review, ai_system_save

from .serializers import (
    AIRoleSerializer,
    AISystemSerializer,
    DataCategorySerializer,
    TagSerializer,
)


class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Line in the file; the header is line 1.")
    column = serializers.CharField()
    message = serializers.CharField()


class AISystemViewSet(AimsModelViewSet):
    """The AI system register (ISO/IEC 42001 A.4, clause 4.1)."""

    queryset = AISystem.objects.select_related("owner").prefetch_related(
        "ai_roles",
        "data_categories",
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
    )
    serializer_class = AISystemSerializer
    filterset_class = AISystemFilterSet
    ordering_fields = [
        "reference",
        "name",
        "lifecycle_stage",
        "criticality",
        "eu_risk_tier",
        "next_review_date",
        "updated",
    ]
    ordering = ["reference"]
    add_actions = ("create", "import_csv")
    object_actions = {"review": "change"}
    default_owner_field = "owner"

    def save_object(self, instance, m2m, expected_version):
        return ai_system_save(
            system=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
        )

    @extend_schema(
        request=inline_serializer(
            "AISystemReview",
            {"note": serializers.CharField(required=False, allow_blank=True)},
        ),
        responses=AISystemSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def review(self, request, pk=None):
        """Record a review; the next review moves by the system's review interval."""
        system = self.get_object()
        ai_system_review(
            system=system,
            actor=request.user,
            note=str(request.data.get("note", ""))[:1000],
        )
        return Response(AISystemSerializer(self.get_queryset().get(pk=system.pk)).data)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "AISystemImport", {"file": serializers.FileField()}
            )
        },
        responses={
            201: inline_serializer(
                "AISystemImportResult",
                {"created": serializers.ListField(child=serializers.CharField())},
            ),
            400: inline_serializer(
                "AISystemImportErrors",
                {
                    "detail": serializers.CharField(),
                    "errors": ImportRowErrorSerializer(many=True),
                },
            ),
        },
        filters=False,
    )
    @action(
        detail=False,
        methods=["post"],
        parser_classes=[MultiPartParser],
        url_path="import",
        filter_backends=[],
    )
    def import_csv(self, request):
        """Import a CSV (same columns as the CSV export): all rows are created, or none."""
        upload = request.FILES.get("file")
        if upload is None:
            return Response(
                {"detail": "Send the CSV as the 'file' field.", "errors": []},
                status=400,
            )
        try:
            result = ai_system_import(rows=read_csv(upload), actor=request.user)
        except ImportFileError as exc:
            return Response({"detail": str(exc), "errors": []}, status=400)
        if not result.ok:
            return Response(
                {
                    "detail": "Nothing was imported; fix these rows and try again.",
                    "errors": [
                        {"row": e.row, "column": e.column, "message": e.message}
                        for e in result.errors
                    ],
                },
                status=400,
            )
        return Response(
            {"created": [s.reference for s in result.created]},
            status=status.HTTP_201_CREATED,
        )


class AIRoleViewSet(LookupViewSet):
    """AI roles of ISO/IEC 42001 clause 4.1 (reference data)."""

    queryset = AIRole.objects.all()
    serializer_class = AIRoleSerializer


class DataCategoryViewSet(LookupViewSet):
    queryset = DataCategory.objects.all()
    serializer_class = DataCategorySerializer


class TagViewSet(LookupViewSet):
    queryset = Tag.objects.all()
    serializer_class = TagSerializer
