from rest_framework.pagination import PageNumberPagination

from aims.counting import CachedCountPaginator


class BoundedPageNumberPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    # The total is counted once per state of the records (lists of change-logged
    # records only; ``aims.counting``).
    django_paginator_class = CachedCountPaginator
