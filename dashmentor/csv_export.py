"""Every CSV file the portal writes: one writer, with spreadsheet-formula escaping.

Applicants, respondents and group members write text that ends up in staff
exports. A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or
``@`` (or a tab or carriage return before one) as a formula, which can fetch
URLs or run commands on the reader's machine. Every text cell that starts so
is written with a leading apostrophe, which spreadsheets show as text; numbers
(and strings that are plain numbers, like ``-3`` or ``-1.50``) stay numbers.

No other module imports :mod:`csv` to write a response
(``tests/dashmentor/test_csv_export.py`` checks it).

A file is in one language, the request's: its first line names it
("Language: English", "Idioma: español"), its name ends in the language's
code (``applications-2026-es.csv``), and the response says it in
``Content-Language``.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext

# The ASCII starts of a formula, tab and the line breaks, and their full-width
# forms (some spreadsheets read those as formulas too).
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value):
    """``value`` as a safe cell: numbers as they are, text escaped if a
    spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text[:1] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class _Echo:
    """A file that hands back what is written, for streaming."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[Sequence], *, header: Sequence | None = None):
    """Yield the CSV text of ``rows`` line by line, every cell escaped."""
    writer = csv.writer(_Echo())
    if header is not None:
        yield writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def csv_language() -> str:
    """The language the CSV file being written is in: the request's."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    return translation.get_supported_language_variant(code)


def language_line() -> list[str]:
    """The file's first line, naming its language in that language."""
    code = csv_language()
    name = translation.get_language_info(code)["name_local"]
    return [gettext("Language: %(language)s") % {"language": name}]


def language_filename(filename: str) -> str:
    """``filename`` with the language's code before its extension."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    return f"{stem}-{csv_language()}{dot}{extension}"


def csv_response(
    filename: str, rows: Iterable[Sequence], *, header: Sequence | None = None
) -> HttpResponse | StreamingHttpResponse:
    """A CSV download of ``rows``, in the request's language (named on its
    first line and in its file name). Rows already in memory (a list, a
    :class:`CsvTable`) are sent whole; any other iterable (a queryset's
    ``iterator()``, a generator) is streamed as it is read."""
    first = csv_lines([language_line()])
    lines = itertools.chain(first, csv_lines(rows, header=header))
    content_type = "text/csv; charset=utf-8"
    if isinstance(rows, (list, tuple, CsvTable)):
        response = HttpResponse("".join(lines), content_type=content_type)
    else:
        response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=language_filename(filename)
    )
    response["Content-Language"] = csv_language()
    return response


class CsvTable:
    """Rows collected with the ``csv.writer`` interface (``writerow``,
    ``writerows``), for code that builds a table before it is sent with
    :func:`csv_response`."""

    def __init__(self):
        self.rows: list[list] = []

    def writerow(self, row: Sequence) -> None:
        self.rows.append(list(row))

    def writerows(self, rows: Iterable[Sequence]) -> None:
        for row in rows:
            self.writerow(row)

    def __iter__(self):
        return iter(self.rows)
