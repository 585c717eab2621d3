"""Spreadsheets of a report's figures (the comparison table): csv and xlsx.

Headers in the user's language, amounts as numbers, and any text cell that a spreadsheet
would read as a formula (starting with ``=``, ``+``, ``-`` or ``@``) neutralised with a
leading apostrophe. A region has at most a few hundred communes: built in memory.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """Numbers stay numbers; text that starts like a formula is made plain text."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def response(fmt: str, *, name: str, headers, rows, total) -> HttpResponse:
    table = [[safe(h) for h in headers], *([safe(v) for v in row] for row in rows)]
    table.append([safe(v) for v in total])
    if fmt == "csv":
        out = io.StringIO()
        # A byte-order mark: spreadsheets then read the Arabic as UTF-8.
        out.write("\ufeff")
        csv.writer(out).writerows(["" if v is None else v for v in row] for row in table)
        body = out.getvalue().encode()
    else:
        book = Workbook()
        sheet = book.active
        sheet.title = "PRIM"
        for row in table:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        body = out.getvalue()
    result = HttpResponse(body, content_type=FORMATS[fmt])
    result["Content-Disposition"] = f'attachment; filename="prim-{name}.{fmt}"'
    return result
