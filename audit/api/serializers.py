from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.api.serializers import ModelSerializer, UserBriefSerializer

from ..models import AuditorBundle, EvidencePack, ExportJob


class EvidencePackSerializer(ModelSerializer):
    """A pack request (kind, target, parameters) and, once built, its file's facts."""

    kind = serializers.CharField(
        max_length=40,
        help_text="The pack kind, e.g. `ai_system` (AI system pack).",
    )
    target = serializers.IntegerField(
        source="target_id",
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Id of the object the pack is about (an AI system for `ai_system`); "
        "leave out for organisation-wide kinds.",
    )
    parameters = serializers.DictField(
        required=False,
        default=dict,
        help_text='Kind-specific options, e.g. `{"history_since": "2026-01-01"}`.',
    )
    kind_title = serializers.CharField(read_only=True)
    scope = serializers.CharField(source="target_repr", read_only=True)
    requested_by = UserBriefSerializer(read_only=True)
    download_url = serializers.SerializerMethodField()
    retryable = serializers.BooleanField(read_only=True)

    class Meta:
        model = EvidencePack
        fields = [
            "id",
            "reference",
            "kind",
            "kind_title",
            "target",
            "scope",
            "parameters",
            "requested_by",
            "requested_at",
            "status",
            "attempts",
            "rebuild_reason",
            "started_at",
            "finished_at",
            "error",
            "retryable",
            "file_name",
            "sha256",
            "size",
            "page_count",
            "chain_head_seq",
            "chain_head_hash",
            "manifest",
            "download_url",
        ]
        read_only_fields = [
            name for name in fields if name not in ("kind", "target", "parameters")
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, pack) -> str | None:
        if pack.status != "ready":
            return None
        from django.urls import reverse

        url = reverse("evidencepack-download", args=[pack.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class DuplicatePackSerializer(serializers.Serializer):
    """The answer to a pack requested again while the first is queued or building."""

    detail = serializers.CharField()
    pack = EvidencePackSerializer()


class AuditorBundleSerializer(ModelSerializer):
    """A bundle request (packs, purpose, change-log start) and, once built, its file."""

    packs = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=EvidencePack.objects.all(),
        help_text="Ids of ready evidence packs to include (a new gap report always is).",
    )
    requested_by = UserBriefSerializer(read_only=True)
    download_url = serializers.SerializerMethodField()
    retryable = serializers.BooleanField(read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = AuditorBundle
        fields = [
            "id",
            "reference",
            "purpose",
            "packs",
            "change_log_since",
            "gap_report",
            "requested_by",
            "requested_at",
            "status",
            "attempts",
            "progress_done",
            "progress_total",
            "progress_stage",
            "progress_percent",
            "started_at",
            "finished_at",
            "error",
            "retryable",
            "warnings",
            "file_name",
            "sha256",
            "size",
            "file_count",
            "entry_count",
            "chain_head_seq",
            "chain_head_hash",
            "key_fingerprint",
            "download_url",
        ]
        read_only_fields = [
            name
            for name in fields
            if name not in ("purpose", "packs", "change_log_since")
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, bundle) -> str | None:
        if bundle.status != "ready":
            return None
        from django.urls import reverse

        url = reverse("auditorbundle-download", args=[bundle.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class DuplicateBundleSerializer(serializers.Serializer):
    """The answer to a bundle requested again while the first is queued or building."""

    detail = serializers.CharField()
    bundle = AuditorBundleSerializer()


class ExportJobSerializer(ModelSerializer):
    """A background export: the list, its filters, the format and, once built, the
    file. Request with ``list``, ``filters`` (the list page's query parameters, e.g.
    ``{"status": "open"}``) and ``format``."""

    list = serializers.CharField(
        source="list_key",
        help_text="The list: ai-systems, risks, soa or evidence "
        "(GET /api/v1/exports/lists/ names them).",
    )
    filters = serializers.DictField(
        write_only=True,
        required=False,
        child=serializers.JSONField(),
        help_text="The list page's filters, by query parameter (a value or a list).",
    )
    download_url = serializers.SerializerMethodField()
    retryable = serializers.BooleanField(read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "reference",
            "list",
            "list_title",
            "filters",
            "query",
            "format",
            "requested_at",
            "status",
            "rebuild_reason",
            "attempts",
            "progress_done",
            "progress_total",
            "progress_stage",
            "progress_percent",
            "started_at",
            "finished_at",
            "error",
            "retryable",
            "file_name",
            "row_count",
            "sha256",
            "size",
            "download_url",
        ]
        read_only_fields = [
            name for name in fields if name not in ("list", "filters", "format")
        ]
        extra_kwargs = {"format": {"read_only": False, "required": False}}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, job) -> str | None:
        if job.status != "ready":
            return None
        from django.urls import reverse

        url = reverse("exportjob-download", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class DuplicateExportSerializer(serializers.Serializer):
    """The answer to an export requested again while the first is queued or building."""

    detail = serializers.CharField()
    export = ExportJobSerializer()


class ExportListSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
