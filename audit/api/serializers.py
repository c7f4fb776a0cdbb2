from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.api.serializers import UserBriefSerializer

from ..models import AuditorBundle, EvidencePack


class EvidencePackSerializer(serializers.ModelSerializer):
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


class AuditorBundleSerializer(serializers.ModelSerializer):
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

