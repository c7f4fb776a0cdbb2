"""CSV and XLSX export of list rows, column by column, shared by every register."""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]


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


class Exporter:
    def __init__(self, columns: list[Column], prepare: Callable | None = None):
        self.columns = columns
        self.prepare = prepare or (lambda rows: rows)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def rows(self, objects: Iterable) -> Iterable[list[str]]:
        for obj in self.prepare(objects):
            yield [_defuse(_cell_text(column.value(obj))) for column in self.columns]

    def response(self, objects, fmt: str, name: str) -> HttpResponse:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        filename = f"{slugify(name)}-{stamp}.{fmt}"
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(self.headers)
            writer.writerows(self.rows(objects))
            # A BOM lets spreadsheet programs detect UTF-8.
            content, content_type = (
                "\ufeff" + buffer.getvalue(),
                "text/csv; charset=utf-8",
            )
        else:
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet(name[:31])
            sheet.append(self.headers)
            for row in self.rows(objects):
                sheet.append(row)
            buffer = io.BytesIO()
            workbook.save(buffer)
            content = buffer.getvalue()
            content_type = (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
