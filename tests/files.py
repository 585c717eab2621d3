"""The file store in tests: what it holds, read through the storage API only.

The suite's file tests run twice in CI: on a folder (``STORAGE=files``, the default) and on
Django's ``InMemoryStorage`` (``STORAGE=memory pytest -m storage``), which proves that no code
builds a path by hand. A test asks for the ``media`` fixture (tests/conftest.py): an empty store
of its own, whichever kind.
"""

import io

from django.core.files.storage import default_storage
from openpyxl import Workbook


def stored_names(folder: str = "", storage=None) -> list[str]:
    """Every file in the store (or under ``folder``), as sorted storage names."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    prefix = f"{folder}/" if folder else ""
    names = [f"{prefix}{name}" for name in files]
    for sub in folders:
        names += stored_names(f"{prefix}{sub}", storage)
    return sorted(names)


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def xlsx_file(
    rows, *, name: str = "sheet.xlsx", merge: str | None = None, formula: str | None = None
):
    """A spreadsheet to upload, as the browser sends it: ``rows`` on the first sheet; ``merge``
    a range of merged cells, ``formula`` a cell holding one (what an import must refuse)."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    if formula:
        sheet[formula] = "=1+1"
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = name
    return out
