"""The schema endpoint (a module of its own: drf-spectacular's views import the schema
class of ``aims.api.schema``)."""

from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class CachedSchemaView(SpectacularAPIView):
    """``/api/schema/``: generated once per process and version (it depends on the
    code, not on who asks), and counted against ``AIMS_SCHEMA_RATE`` per person, so a
    stream of schema requests cannot slow everyone else down."""

    _generated: dict = {}

    def _get_schema_response(self, request):
        from aims.throttles import spend

        spend("schema", request.user)
        version = (
            self.api_version or request.version or self._get_version_parameter(request)
        )
        key = (version, request.GET.get("lang"))
        schema = self._generated.get(key)
        if schema is None:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            schema = self._generated[key] = generator.get_schema(
                request=request, public=self.serve_public
            )
        return Response(
            data=schema,
            headers={
                "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'
            },
        )
