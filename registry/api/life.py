"""API of the records of an AI system's life (A.4, A.6, A.7, A.10)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.api.serializers import AimsModelSerializer
from aims.api.viewsets import AimsModelViewSet
from registry.life_filtersets import (
    CHILD_FILTERSETS,
    DatasetFilterSet,
    SupplierFilterSet,
)
from registry.life_services import (
    GateBlocked,
    child_delete,
    child_save,
    dataset_save,
    gate_blocked_record,
    lifecycle_record_approve,
    release_record,
    supplier_save,
)
from registry.models import (
    AcceptanceCriterion,
    Dataset,
    LifecycleRecord,
    ProvenanceEntry,
    QualityRequirement,
    Release,
    Responsibility,
    Supplier,
    SupplierReview,
    SystemDataset,
    SystemResource,
)

READ_ONLY = ["created", "updated", "created_by"]


def _serializer(model, read_only=(), extra=None):
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": "__all__",
            "read_only_fields": [*READ_ONLY, *read_only],
        },
    )
    return type(
        f"{model.__name__}Serializer",
        (AimsModelSerializer,),
        {"Meta": meta, **(extra or {})},
    )


SupplierSerializer = _serializer(Supplier, ("next_review_date",))
DatasetSerializer = _serializer(Dataset, ("reference",))
LifecycleRecordSerializer = _serializer(LifecycleRecord, ("approved_by", "approved_at"))
ReleaseSerializer = _serializer(
    Release,
    ("status", "gate_results", "override_justification", "overridden_by"),
    {
        "override": serializers.CharField(
            write_only=True,
            required=False,
            allow_blank=True,
            help_text="The committee's justification for releasing despite a failed gate.",
        )
    },
)


class SupplierViewSet(AimsModelViewSet):
    """Suppliers of models, data, platforms and services (ISO/IEC 42001 A.10.3)."""

    queryset = Supplier.objects.select_related("owner")
    serializer_class = SupplierSerializer
    filterset_class = SupplierFilterSet
    ordering = ["name"]

    def save_object(self, instance, m2m, expected_version):
        return supplier_save(
            supplier=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
        )


class DatasetViewSet(AimsModelViewSet):
    """Datasets with acquisition, categories, preparation and retention (A.7)."""

    queryset = Dataset.objects.select_related("owner", "supplier").prefetch_related(
        "categories"
    )
    serializer_class = DatasetSerializer
    filterset_class = DatasetFilterSet
    ordering = ["reference"]
    default_owner_field = "owner"

    def save_object(self, instance, m2m, expected_version):
        return dataset_save(
            dataset=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
        )


class ChildViewSet(AimsModelViewSet):
    """A record that belongs to a parent: whoever may change the parent writes it."""

    add_actions = ()  # decided on the parent (AimsModelViewSet._check_parent)

    def save_object(self, instance, m2m, expected_version):
        return child_save(
            record=instance,
            actor=self.request.user,
            m2m=m2m,
            expected_version=expected_version,
        )

    def perform_destroy(self, instance):
        child_delete(record=instance, actor=self.request.user)


def _child_viewset(model, doc, read_only=(), bases=(ChildViewSet,), **attrs):
    return type(
        f"{model.__name__}ViewSet",
        bases,
        {
            "__doc__": doc,
            "queryset": model.objects.all(),
            "serializer_class": _serializer(model, read_only),
            "filterset_class": CHILD_FILTERSETS[model],
            **attrs,
        },
    )


SupplierReviewViewSet = _child_viewset(
    SupplierReview, "Due-diligence reviews of suppliers (A.10.3)."
)
ProvenanceEntryViewSet = _child_viewset(
    ProvenanceEntry, "Provenance of datasets (A.7.5)."
)
QualityRequirementViewSet = _child_viewset(
    QualityRequirement, "Data-quality requirements and measured results (A.7.4)."
)
SystemDatasetViewSet = _child_viewset(
    SystemDataset, "Datasets of AI systems, with the role each plays (A.7.2)."
)
SystemResourceViewSet = _child_viewset(
    SystemResource, "Components and resources of AI systems (A.4.2-A.4.6)."
)
ResponsibilityViewSet = _child_viewset(
    Responsibility,
    "Allocated responsibilities and customer commitments (A.10.2, A.10.4).",
)
AcceptanceCriterionViewSet = _child_viewset(
    AcceptanceCriterion, "Verification and validation criteria and results (A.6.2.4)."
)


class LifecycleRecordViewSet(ChildViewSet):
    """Life-cycle records of AI systems (A.6.2.2-A.6.2.8), documents as evidence."""

    queryset = LifecycleRecord.objects.prefetch_related("evidence")
    serializer_class = LifecycleRecordSerializer
    filterset_class = CHILD_FILTERSETS[LifecycleRecord]
    object_actions = {"approve": "view"}

    @extend_schema(request=None, responses=LifecycleRecordSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        """Approve the record (AIMS managers, the committee; not its author)."""
        record = lifecycle_record_approve(record=self.get_object(), actor=request.user)
        return Response(LifecycleRecordSerializer(record).data)


class ReleaseViewSet(ChildViewSet):
    """Releases (A.6.2.5): recording one runs the gate; a failure is a 409 listing what
    is missing, unless the committee sends a justification in ``override``."""

    queryset = Release.objects.select_related("overridden_by")
    serializer_class = ReleaseSerializer
    filterset_class = CHILD_FILTERSETS[Release]
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        justification = data.pop("override", "")
        data.pop("version", None)
        self._check_parent(data, Release)
        release = Release(**data)
        try:
            release_record(
                release=release,
                actor=request.user,
                override_justification=justification,
            )
        except GateBlocked as exc:
            gate_blocked_record(
                exc.system,
                exc.problems,
                request.user,
                f"Release {release.release_version}",
            )
            return Response(
                {"detail": "The release gate is not met.", "problems": exc.problems},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(ReleaseSerializer(release).data, status=status.HTTP_201_CREATED)
