"""Base serializers: one per model plus a brief one for nesting (NetBox style)."""

import copy

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.models import ObjectChange, User
from aims.redaction import RelatedNames


class DateTimeField(serializers.DateTimeField):
    """DRF's, asking for the current time zone once per answer rather than once per
    value (asgiref's context lookup costs five times the formatting: a millisecond of a
    risk page's 176 times). Fields are made afresh for each serializer, so a zone
    activated for one request is never kept for the next."""

    def default_timezone(self):
        try:
            return self._zone_of_this_answer
        except AttributeError:
            self._zone_of_this_answer = super().default_timezone()
            return self._zone_of_this_answer


# DRF's model serializer with its fields built once per class. DRF introspects the model
# for every serializer it makes, nested ones included: 2 ms of each risk list request
# went to building the same 60 fields again. The fields depend only on the class
# (``Meta`` and the declared fields), so they are built on first use and each serializer
# gets a deep copy, as DRF gives each its own declared fields. (A comment, not a
# docstring: the API schema would show a docstring as every record's description.)
class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()
            cls._fields_built_once = copy.deepcopy(built)
            return built
        return copy.deepcopy(built)


class AimsModelSerializer(ModelSerializer):
    """Shapes input only; the app's service validates the record (``Model.clean``) and saves."""

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="On output, the stored version. On update, send the version you read: "
        "if someone saved since, the update is refused with 409.",
    )

    def build_instance(self):
        """(unsaved instance with the new values, many-to-many values, expected version)."""
        data = dict(self.validated_data)
        expected_version = data.pop("version", None)
        model = self.Meta.model
        m2m_names = {field.name for field in model._meta.many_to_many}
        m2m = {name: data.pop(name) for name in list(data) if name in m2m_names}
        instance = self.instance if self.instance is not None else model()
        for name, value in data.items():
            setattr(instance, name, value)
        return instance, m2m, expected_version


class UserBriefSerializer(ModelSerializer):
    display_name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


class ObjectChangeSerializer(ModelSerializer):
    content_type = serializers.SerializerMethodField()
    related_content_type = serializers.SerializerMethodField()
    changed_fields = serializers.SerializerMethodField()

    class Meta:
        model = ObjectChange
        fields = [
            "seq",
            "time",
            "user",
            "user_name",
            "request_id",
            "action",
            "event",
            "content_type",
            "object_id",
            "object_repr",
            "related_content_type",
            "related_object_id",
            "changed_fields",
            "prechange_data",
            "postchange_data",
            "message",
            "prev_hash",
            "hash",
        ]

    @extend_schema_field(serializers.CharField())
    def get_content_type(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_related_content_type(self, obj) -> str | None:
        ct = obj.related_content_type
        return f"{ct.app_label}.{ct.model}" if ct else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_changed_fields(self, obj) -> list[str]:
        return [name for name, _, _ in obj.diff()]

    def to_representation(self, obj):
        # Related records the caller may not see are named "a record you may not
        # see" (aims.redaction), as on the History pages.
        data = super().to_representation(obj)
        names = self._related_names()
        if names is not None:
            model = obj.content_type.model_class()
            data["prechange_data"] = names.redact(model, data["prechange_data"])
            data["postchange_data"] = names.redact(model, data["postchange_data"])
            data["object_repr"] = names.record_text(obj)
        return data

    def _related_names(self):
        root = self.root if self.root is not None else self
        names = getattr(root, "_aims_related_names", None)
        if names is None:
            request = self.context.get("request")
            if request is None:
                return None
            names = root._aims_related_names = RelatedNames(request.user)
        return names
