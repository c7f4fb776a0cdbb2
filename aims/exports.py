"""CSV and XLSX export of list rows, column by column, shared by every register.

Exports stream: rows are read from the database with a server-side cursor in chunks
(``QuerySet.iterator``; ``prepare()``'s ``prefetch_related`` runs per chunk), CSV lines
go to the client as they are written (the first byte leaves before the second chunk is
read), and XLSX is written by openpyxl's write-only mode into a temporary file that is
then sent from disk. Memory stays flat whatever the number of rows.

An app describes its columns once (``Exporter([Column(header, value), ...],
prepare=...)``) and the generic list view, the API and background jobs use
``response()`` or ``write()``.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook

__all__ = ["CHUNK_SIZE", "FORMATS", "Column", "Exporter", "export_filename"]

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
    value: Callable[..., object]
    # A column that names other records (a risk's AI system, an SoA row's risks) is
    # called as value(obj, names) with the reader's aims.redaction.VisibleNames, so
    # an export never names a record its reader may not see.
    names_records: bool = False


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
        """Cell texts, as ``user`` may see them (see ``Column.names_records``)."""
        from .redaction import VisibleNames

        names = VisibleNames(user)
        for obj in self.objects(objects):
            yield [
                _defuse(
                    _cell_text(
                        column.value(obj, names)
                        if column.names_records
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
        writer = csv.writer(_Line())
        yield _BOM + writer.writerow(self.headers)
        pending = []
        for count, row in enumerate(self.rows(objects, user), start=1):
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
    ) -> None:
        """Write the export for ``user`` to a binary ``file``; ``progress(rows_done)``
        is called now and then (background jobs show it)."""
        if fmt == "csv":
            for piece in self.csv_lines(objects, progress, user=user):
                file.write(piece.encode())
            return
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(name[:31] or "export")
        sheet.append(self.headers)
        for count, row in enumerate(self.rows(objects, user), start=1):
            sheet.append(row)
            if progress is not None and count % 1000 == 0:
                progress(count)
        workbook.save(file)

    def response(self, objects, fmt: str, name: str, *, user=None):
        """A download of ``objects`` for ``user`` (default: whoever makes the request):
        CSV streamed line by line, XLSX written to a temporary file first (a zip
        cannot be streamed) and sent from there."""
        from .context import current_actor
        from .throttles import spend

        spend("export")  # per person: exports read whole registers
        # Decided now: a streamed body is read after the request's context has ended.
        user = user if user is not None else current_actor().user
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
