"""django-filter's API backend, without the filter form when nothing is filtered."""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """django-filter builds, binds and cleans the whole filter form on every request, a
    request that filters nothing included: 2 ms of each unfiltered risk list (eighteen
    fields, an AI-system choice over what the reader may see). With no parameter that
    names a filter, every filter would leave the rows as they are (an empty value
    filters nothing), so the rows are returned as they are. A parameter is taken to
    name a filter when it is the filter's name or starts with it and ``_`` (the two
    ends of a range, ``created_after``): a wrong guess only means the form is built."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not _names_a_filter(
            request.query_params, filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _names_a_filter(params, filter_names) -> bool:
    return any(
        key == name or key.startswith(f"{name}_")
        for key in params
        for name in filter_names
    )
