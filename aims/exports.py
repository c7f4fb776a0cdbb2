"""CSV and XLSX export of list rows, column by column, shared by every register.

Exports stream: rows are read from the database with a server-side cursor in chunks
(``QuerySet.iterator``; ``prepare()``'s ``prefetch_related`` runs per chunk), CSV lines
go to the client as they are written (the first byte leaves before the second chunk is
read), and XLSX is written by openpyxl's write-only mode into a temporary file that is
then sent from disk. Memory stays flat whatever the number of rows.

An app describes its columns once (``Exporter([Column(header, value), ...],
prepare=...)``) and the generic list view, the API and background jobs use
``response()`` or ``write()``, always for one reader (``user``): a column that names
related records (``Column(..., per_reader=True)``, called as ``value(obj, reader)``)
shows only those the reader may see (``aims.redaction.RelatedNames``), the others as
"a record you may not see", exactly as the pages do.

A list that can be exported in the background (the XLSX of a large register, built
by a worker with progress and a download link) is registered with
``register_list(ExportList(...))``: its ``rows(user, params)`` returns what the page
shows that user for those filters. The audit app's export jobs build them; ``aims``
only knows the URL of the page that requests one (``set_background_url``).
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import FileResponse, QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook

__all__ = [
    "CHUNK_SIZE",
    "FORMATS",
    "Column",
    "ExportList",
    "Exporter",
    "background_url",
    "export_filename",
    "export_list",
    "export_lists",
    "list_page",
    "register_list",
    "set_background_url",
]

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Rows fetched per round trip (and per prefetch of the related rows).
CHUNK_SIZE = 2000
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A BOM lets spreadsheet programs detect UTF-8.
_BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable
    # Called as value(obj, reader): the column names related records (reader.names()).
    per_reader: bool = False


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | set):
        return "; ".join(str(item) for item in value)
    return str(value)


def _defuse(text: str) -> str:
    # A spreadsheet would run "=HYPERLINK(...)" typed into a name field (CSV injection).
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def export_filename(name: str, fmt: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return f"{slugify(name)}-{stamp}.{fmt}"


class _Line:
    """A file-like object whose ``write`` returns what it was given (for csv.writer)."""

    def write(self, text: str) -> str:
        return text


class Exporter:
    def __init__(self, columns: list[Column], prepare: Callable | None = None):
        self.columns = columns
        self.prepare = prepare or (lambda rows: rows)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def objects(self, objects: Iterable) -> Iterator:
        """The prepared objects, read in chunks when they come from a queryset."""
        prepared = self.prepare(objects)
        if isinstance(prepared, QuerySet) and prepared._result_cache is None:
            return prepared.iterator(chunk_size=CHUNK_SIZE)
        return iter(prepared)

    def rows(self, objects: Iterable, user=None) -> Iterator[list[str]]:
        from .redaction import RelatedNames

        if user is None and any(column.per_reader for column in self.columns):
            raise ValueError("This export names related records: give the reader.")
        reader = RelatedNames(user)
        for obj in self.objects(objects):
            yield [
                _defuse(
                    _cell_text(
                        column.value(obj, reader)
                        if column.per_reader
                        else column.value(obj)
                    )
                )
                for column in self.columns
            ]

    # Output

    def csv_lines(
        self, objects: Iterable, progress=None, *, user=None
    ) -> Iterator[str]:
        """The CSV text in pieces of about a hundred lines, BOM and header first."""
        return self._csv(self.rows(objects, user), progress)

    def _csv(self, rows: Iterable[list[str]], progress=None) -> Iterator[str]:
        writer = csv.writer(_Line())
        yield _BOM + writer.writerow(self.headers)
        pending = []
        for count, row in enumerate(rows, start=1):
            pending.append(writer.writerow(row))
            if len(pending) >= 100:
                yield "".join(pending)
                pending = []
                if progress is not None:
                    progress(count)
        if pending:
            yield "".join(pending)

    def write(
        self,
        objects: Iterable,
        fmt: str,
        file,
        *,
        name: str = "export",
        progress=None,
        user=None,
    ) -> int:
        """Write the export to a binary ``file`` for ``user``; ``progress(rows_done)``
        is called now and then (background jobs show it). Returns the rows written."""
        written = 0

        def counted():
            nonlocal written
            for row in self.rows(objects, user):
                written += 1
                yield row

        if fmt == "csv":
            for piece in self._csv(counted(), progress):
                file.write(piece.encode())
            return written
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(name[:31] or "export")
        sheet.append(self.headers)
        for row in counted():
            sheet.append(row)
            if progress is not None and written % 1000 == 0:
                progress(written)
        workbook.save(file)
        return written

    def response(self, objects, fmt: str, name: str, *, user=None):
        """A download of ``objects`` for ``user``: CSV streamed line by line, XLSX
        written to a temporary file first (a zip cannot be streamed) and sent from
        there."""
        from .throttles import spend

        spend("export")  # per person: exports read whole registers
        filename = export_filename(name, fmt)
        if fmt == "csv":
            response = StreamingHttpResponse(
                (piece.encode() for piece in self.csv_lines(objects, user=user)),
                content_type=CONTENT_TYPES["csv"],
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        self.write(objects, fmt, spool, name=name, user=user)
        spool.seek(0)
        return FileResponse(
            spool,
            as_attachment=True,
            filename=filename,
            content_type=CONTENT_TYPES["xlsx"],
        )


# Lists exported in the background


@dataclass(frozen=True)
class ExportList:
    """A list page whose rows can be exported by a background job.

    ``rows(user, params)`` is the page's own queryset for ``user`` with the filters in
    ``params`` (a ``QueryDict`` of the page's query string) applied: the same
    permission rule and the same filter set. It raises ``PermissionDenied`` when the
    user may not see the page, ``ValidationError`` for parameters the page refuses.
    """

    key: str
    title: str
    exporter: Exporter
    rows: Callable[[object, QueryDict], QuerySet]
    page_url: Callable[[QueryDict], str]
    # Filters shown with the job, as "label: value" (the page's query string otherwise).
    describe: Callable[[QueryDict], str] | None = None


_LISTS: dict[str, ExportList] = {}
_background: dict[str, str] = {}


def list_page(url_name: str) -> Callable[[QueryDict], str]:
    """``page_url`` of a list at ``url_name``: the page with the same filters."""

    def url(params: QueryDict) -> str:
        from django.urls import reverse

        query = params.urlencode() if params else ""
        return reverse(url_name) + (f"?{query}" if query else "")

    return url


def register_list(export: ExportList) -> ExportList:
    _LISTS[export.key] = export
    return export


def export_list(key: str) -> ExportList | None:
    return _LISTS.get(key)


def export_lists() -> list[ExportList]:
    return sorted(_LISTS.values(), key=lambda item: item.title)


def set_background_url(url_name: str) -> None:
    """The page (URL name) where a background export is requested by POST with
    ``list``, ``query`` and ``format``; set by the app that builds export jobs."""
    _background["url_name"] = url_name


def background_url(key: str | None) -> str:
    """Where the list ``key`` asks for a background export; "" when nothing builds
    them or the list is not registered."""
    from django.urls import reverse

    if not key or key not in _LISTS or "url_name" not in _background:
        return ""
    return reverse(_background["url_name"])
