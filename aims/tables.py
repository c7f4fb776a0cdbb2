"""Shared pieces of django-tables2 tables: owner ordering, and the column layer every
list uses so that it fits a laptop and a tablet.

Column layer (``configure_columns``): a table names its columns' priorities in
``column_priority`` (``{"tags": 3, "criticality": 2}``; unnamed columns are 1, always
shown). A column of priority 2 or 3 gets the class ``col-p2``/``col-p3``, which
``static/css/aims.css`` hides when the list's box is narrower than the columns need (a
container query, so the same rule serves the sidebar layout at 1366 px and the stacked
one at 820 px). A table without priorities keeps its first ``KEPT_BY_DEFAULT`` columns
and gives the rest priority 2. The user may instead choose the columns themselves; the
choice is kept in their session per table and then holds at every width.
"""

from dataclasses import dataclass

__all__ = [
    "ColumnChoice",
    "OwnerOrderingMixin",
    "chooser_query",
    "configure_columns",
]

KEPT_BY_DEFAULT = 6
# Query parameters of the column chooser (never filters).
COLUMNS_PARAM = "columns"
CHOSEN_PARAM = "columns_chosen"
RESET_PARAM = "columns_reset"
CHOOSER_PARAMS = (COLUMNS_PARAM, CHOSEN_PARAM, RESET_PARAM)


class OwnerOrderingMixin:
    """Sort an ``owner`` column by the owner's name, not by user id."""

    def order_owner(self, queryset, is_descending):
        prefix = "-" if is_descending else ""
        return queryset.order_by(
            f"{prefix}owner__last_name", f"{prefix}owner__username"
        ), True


@dataclass(frozen=True)
class ColumnChoice:
    name: str
    label: str
    shown: bool
    fixed: bool  # the record's identifier: always shown, links to the record
    priority: int


def _session_key(table) -> str:
    cls = type(table)
    return f"aims.columns.{cls.__module__}.{cls.__qualname__}"


def _add_class(column, css: str) -> None:
    # Tables deep-copy their columns per instance, so this touches this table only.
    attrs = dict(column.attrs or {})
    for part in ("th", "td"):
        cell = dict(attrs.get(part, attrs.get("cell", {})))
        existing = cell.get("class", "")
        if callable(existing):
            continue
        cell["class"] = f"{existing} {css}".strip()
        attrs[part] = cell
    column.attrs = attrs


def _chosen_columns(table, request, names: list[str]) -> list[str] | None:
    """The user's choice for this table: from this request's chooser, else the session."""
    key = _session_key(table)
    session = getattr(request, "session", None)
    if request.GET.get(RESET_PARAM):
        if session is not None:
            session.pop(key, None)
        return None
    if request.GET.get(CHOSEN_PARAM):
        chosen = [n for n in request.GET.getlist(COLUMNS_PARAM) if n in names]
        if session is not None:
            session[key] = chosen
        return chosen
    stored = session.get(key) if session is not None else None
    if isinstance(stored, list):
        return [n for n in stored if n in names]
    return None


def configure_columns(table, request) -> list[ColumnChoice]:
    """Apply the column priorities or the user's choice to ``table``; return what the
    column chooser offers."""
    bound = [c for c in table.columns.iterall() if c.visible]
    names = [c.name for c in bound]
    if not names:
        return []
    declared = getattr(table, "column_priority", None)
    chosen = _chosen_columns(table, request, names)
    choices = []
    for position, column in enumerate(bound):
        fixed = position == 0
        if declared is not None:
            priority = 1 if fixed else declared.get(column.name, 1)
        else:
            priority = 1 if position < KEPT_BY_DEFAULT else 2
        if chosen is not None:
            shown = fixed or column.name in chosen
            if not shown:
                table.columns.hide(column.name)
        else:
            shown = True
            if priority > 1:
                _add_class(column.column, f"col-p{min(priority, 3)}")
        choices.append(
            ColumnChoice(column.name, str(column.header), shown, fixed, priority)
        )
    table.columns_chosen = chosen is not None
    return choices


def chooser_query(request) -> list[tuple[str, str]]:
    """The current query without the chooser's own parameters and the page: the
    chooser's form resubmits it so that filters and ordering stay as they are."""
    return [
        (key, value)
        for key, values in request.GET.lists()
        if key not in CHOOSER_PARAMS and key != "page"
        for value in values
    ]
