"""OpenAPI generation: every operation documents the errors it can really return."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class CodedErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


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
        # Every method: bad input, and a NUL character anywhere in the request.
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
        if self.method == "POST":
            extra["409"] = _error(
                ConflictSerializer, "Conflicts with the current state of the record"
            )
        if self.method in ("POST", "PUT", "PATCH"):
            extra["413"] = _error(
                CodedErrorSerializer,
                "Request body larger than AIMS_MAX_REQUEST_BYTES (refused unread)",
            )
        # Every operation: a URL longer than the server or proxy takes, and the
        # per-person limits on expensive work and sign-in attempts.
        extra["414"] = _error(ErrorSerializer, "URL too long")
        extra["429"] = _error(
            CodedErrorSerializer,
            "Too many requests (see the Retry-After header): sign-in lockout or a "
            "per-person limit on exports, schema, heat maps or pack requests",
        )
        for code, response in extra.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    response.response, code, direction=direction
                )
                responses[code]["description"] = response.description
        return responses

