from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.api.serializers import UserBriefSerializer

from ..models import EvidencePack


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
