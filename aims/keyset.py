"""Keyset pagination over the change log's sequence number, for the page and the API.

A page is "the entries before (or after) this ``seq``", read with an index range scan,
so the thousandth page costs what the first does and nothing counts the whole log: at a
million entries an exact ``COUNT(*)`` was most of the page's time. The total shown for
the unfiltered log is the newest ``seq``, because the sequence has no gaps (the hash
chain's check, ``verify_change_log``, fails on a gap).
"""

from dataclasses import dataclass

from django.db import models
from rest_framework.pagination import CursorPagination

__all__ = ["ChangeLogCursorPagination", "KeysetPage", "keyset_page", "log_length"]


@dataclass
class KeysetPage:
    object_list: list
    # ``?after=<newer>`` shows the page of newer entries, ``?before=<older>`` the older.
    newer: int | None
    older: int | None

    @property
    def has_other_pages(self) -> bool:
        return self.newer is not None or self.older is not None


def _cursor(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def keyset_page(
    queryset: models.QuerySet, params, per_page: int, key: str = "seq"
) -> KeysetPage:
    """The page of ``queryset`` (newest ``key`` first) that ``params`` name with
    ``before`` or ``after``; the newest page without either (or with a bad value)."""
    before, after = _cursor(params.get("before")), _cursor(params.get("after"))
    if after is not None and before is None:
        # One more than a page tells whether there is a page beyond it.
        rows = list(
            queryset.filter(**{f"{key}__gt": after}).order_by(key)[: per_page + 1]
        )
        newer_exists = len(rows) > per_page
        rows = rows[:per_page][::-1]
        older_exists = queryset.filter(**{f"{key}__lte": after}).exists()
    else:
        page_query = queryset.order_by(f"-{key}")
        if before is not None:
            page_query = page_query.filter(**{f"{key}__lt": before})
        rows = list(page_query[: per_page + 1])
        older_exists = len(rows) > per_page
        rows = rows[:per_page]
        newer_exists = (
            before is not None and queryset.filter(**{f"{key}__gte": before}).exists()
        )
    return KeysetPage(
        object_list=rows,
        newer=getattr(rows[0], key) if rows and newer_exists else None,
        older=getattr(rows[-1], key) if rows and older_exists else None,
    )


def log_length(model) -> int:
    """How many entries the whole log holds: its newest sequence number."""
    newest = model.objects.order_by("-seq").values_list("seq", flat=True).first()
    return newest or 0


class ChangeLogCursorPagination(CursorPagination):
    """The API's change log: ``next`` and ``previous`` links carry an opaque cursor on
    ``seq``; no count, for the reason above."""

    ordering = "-seq"
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
