"""CSV downloads: streamed as the rows are read (flat memory whatever the size), with a byte
order mark so that spreadsheets read UTF-8, and text a spreadsheet would run as a formula
neutralised with a leading apostrophe (imports undo it: see :data:`FORMULA_STARTS`)."""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

# A cell starting with one of these runs as a formula in a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows per streamed chunk of a download.
ROWS_PER_CHUNK = 500


class _Echo:
    """A file for csv.writer that hands back each line instead of storing it."""

    def write(self, line: str) -> str:
        return line


def cell(value: Any) -> str:
    """A value as a CSV cell: decimals as people write them, dates in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value
    return str(value)


def csv_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A CSV attachment written as ``rows`` are read."""
    writer = csv.writer(_Echo())

    def chunks() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        lines = []
        for row in rows:
            lines.append(writer.writerow([cell(value) for value in row]))
            if len(lines) == ROWS_PER_CHUNK:
                yield "".join(lines)
                lines = []
        yield "".join(lines)

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def export_filename(prefix: str, day: date, *parts: str) -> str:
    """``<prefix>-<parts, slugified>-<day>.csv``, e.g. ``acme-goals-2026-03-31.csv``."""
    return f"{'-'.join([prefix, *map(slugify, parts)])}-{day:%Y-%m-%d}.csv"
