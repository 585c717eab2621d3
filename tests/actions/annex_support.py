"""PDF readers shared by the annex tests (their fixtures are in tests/actions/conftest.py)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from pypdf import PdfReader

from communes.models import PlanningCycle

NBSP = "\u00a0"
IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


def load_cycle(cycle) -> PlanningCycle:
    """The cycle as the access door returns it (commune, province and region joined)."""
    return PlanningCycle.objects.select_related("commune__province__region").get(pk=cycle.pk)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pdf_text(pdf: bytes) -> str:
    """The text of every page. Thousands keep their no-break space (cells are apart by a space)."""
    return "\n".join(page.extract_text() for page in reader(pdf).pages)


def squash(text: str) -> str:
    """Text without any whitespace, to compare wrapped paragraphs with their source."""
    return re.sub(r"\s+", "", text.replace(NBSP, " "))


AMOUNT = r"\d{1,3}(?:\u00a0\d{3})*(?:,\d{2})?"


def parse_amount(text: str) -> Decimal:
    return Decimal(text.replace(" ", "").replace(NBSP, "").replace(",", "."))


def to_unicode_maps(pdf: bytes) -> dict[str, dict[str, str]]:
    """For each embedded font, its ToUnicode map: glyph code (hex) -> the text it stands for."""
    maps: dict[str, dict[str, str]] = {}
    for page in reader(pdf).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            name = str(font.get("/BaseFont"))
            if name in maps or "/ToUnicode" not in font:
                continue
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            entries = {}
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    entries[code] = bytes.fromhex(text).decode("utf-16-be")
            maps[name] = entries
    return maps
