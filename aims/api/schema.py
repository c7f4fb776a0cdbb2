"""OpenAPI generation: every operation documents the errors it can really return."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField(required=False)


class FieldErrorsSerializer(serializers.Serializer):
    """Field name to list of messages; ``non_field_errors`` for errors about the whole record."""

    non_field_errors = serializers.ListField(
        child=serializers.CharField(), required=False
    )

    class Meta:
        ref_name = "FieldErrors"


def _error(serializer, description):
    return OpenApiResponse(response=serializer, description=description)


class AimsAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        extra = {
            "401": _error(ErrorSerializer, "Not authenticated"),
            "403": _error(ErrorSerializer, "Not permitted"),
        }
        is_detail = "{" in self.path
        if is_detail or self.method != "GET":
            extra["404"] = _error(ErrorSerializer, "Not found, or not visible to you")
        else:
            extra["404"] = _error(ErrorSerializer, "Page out of range")
        if self.method in ("POST", "PUT", "PATCH") or self.method == "GET":
            extra["400"] = _error(
                FieldErrorsSerializer, "Invalid input or filter; errors by field"
            )
        if self.method in ("PUT", "PATCH", "DELETE"):
            extra["409"] = _error(
                ConflictSerializer,
                "Edited by someone else since you read it, or still in use",
            )
        if self.method in ("PUT", "PATCH"):
            extra["412"] = _error(
                ErrorSerializer, "If-Match does not match the current version"
            )
        for code, response in extra.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    response.response, code, direction=direction
                )
                responses[code]["description"] = response.description
        return responses
