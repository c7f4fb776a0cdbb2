"""``/api/v1/autocomplete/<key>/``: the choices a picker offers, searched on the server."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.autocomplete import PAGE_SIZE, get_lookup

MAX_TERM = 100
MAX_PAGE = 500


class AutocompleteView(APIView):
    """Records matching ``q`` that the caller may pick, 20 a page, as ``{id, text}``."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Text to search for (empty: all)."),
            OpenApiParameter("page", int, description="Page number, from 1."),
        ],
        responses=inline_serializer(
            "AutocompletePage",
            {
                "results": inline_serializer(
                    "AutocompleteChoice",
                    {"id": serializers.CharField(), "text": serializers.CharField()},
                    many=True,
                ),
                "more": serializers.BooleanField(),
            },
        ),
    )
    def get(self, request, key: str):
        lookup = get_lookup(key)
        if lookup is None:
            raise NotFound(f"No picker called {key!r}.")
        term = request.query_params.get("q", "")
        if len(term) > MAX_TERM:
            raise ValidationError({"q": f"At most {MAX_TERM} characters."})
        try:
            page = int(request.query_params.get("page", "1"))
        except ValueError:
            raise ValidationError({"page": "A whole number from 1."}) from None
        if not 1 <= page <= MAX_PAGE:
            raise ValidationError({"page": f"A whole number from 1 to {MAX_PAGE}."})
        start = (page - 1) * PAGE_SIZE
        rows = list(
            lookup.candidates(request.user, term)[start : start + PAGE_SIZE + 1]
        )
        return Response(
            {
                "results": [
                    {"id": str(lookup.value(obj)), "text": lookup.label(obj)}
                    for obj in rows[:PAGE_SIZE]
                ],
                "more": len(rows) > PAGE_SIZE,
            }
        )
