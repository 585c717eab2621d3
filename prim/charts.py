"""Server-drawn SVG bar charts for the reports: no JavaScript, nothing fetched, CSP-safe.

Each chart has a ``<title>`` and a ``<desc>`` (``role="img"``, ``aria-labelledby``), the page
prints the same figures as a table beside it, bars carry their value as text and fills are
patterns as well as shades, so a chart reads in black and white print. In Arabic the chart is
mirrored: labels on the right, bars growing from the right.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from communes.numbers import amount, grouped

WIDTH = 480
LABEL = 170  # the labels' column
GAP = 90  # room for the value after the longest bar
ROW = 30
_ids = itertools.count(1)

# Fills told apart without colour: solid, hatched one way, the other, dotted, crossed...
PATTERNS = [
    ("solid", ""),
    ("hatch", '<path d="M0,6 L6,0" stroke="#1f3b57" stroke-width="1.6"/>'),
    ("back", '<path d="M0,0 L6,6" stroke="#1f3b57" stroke-width="1.6"/>'),
    ("dots", '<circle cx="3" cy="3" r="1.4" fill="#1f3b57"/>'),
    ("cross", '<path d="M0,3 H6 M3,0 V6" stroke="#1f3b57" stroke-width="1.2"/>'),
    ("rows", '<path d="M0,2 H6" stroke="#1f3b57" stroke-width="1.4"/>'),
    ("cols", '<path d="M2,0 V6" stroke="#1f3b57" stroke-width="1.4"/>'),
]


def _defs(prefix: str) -> str:
    parts = []
    for name, mark in PATTERNS[1:]:
        parts.append(
            f'<pattern id="{prefix}-{name}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="#dbe7f3"/>{mark}</pattern>'
        )
    return "<defs>" + "".join(parts) + "</defs>"


def _fill(prefix: str, index: int) -> str:
    name = PATTERNS[index % len(PATTERNS)][0]
    return "#1f3b57" if name == "solid" else f"url(#{prefix}-{name})"


class _Canvas:
    """Positions along the bars' axis, mirrored for right-to-left languages."""

    def __init__(self):
        self.rtl = get_language_bidi()
        self.span = WIDTH - LABEL - GAP

    def bar_x(self, start: float, length: float) -> float:
        return WIDTH - LABEL - start - length if self.rtl else LABEL + start

    def label(self, y: float, text: str) -> str:
        x, anchor = (WIDTH - LABEL + 6, "start") if self.rtl else (LABEL - 6, "end")
        return (
            f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="13" '
            f'dominant-baseline="middle">{escape(text)}</text>'
        )

    def value(self, end: float, y: float, text: str) -> str:
        x, anchor = (WIDTH - LABEL - end - 5, "end") if self.rtl else (LABEL + end + 5, "start")
        return (
            f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="12" '
            f'dominant-baseline="middle">{escape(text)}</text>'
        )


def _svg(title: str, desc: str, height: int, body: str, prefix: str) -> str:
    return mark_safe(  # noqa: S308 (every text inside is escaped above)
        # direction="ltr": the page's right-to-left direction would flip every text anchor;
        # the mirroring is done by the coordinates (_Canvas), Arabic text still reads RTL.
        f'<svg class="report-chart" role="img" aria-labelledby="{prefix}-t {prefix}-d" '
        f'direction="ltr" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif">'
        f'<title id="{prefix}-t">{escape(title)}</title><desc id="{prefix}-d">{escape(desc)}</desc>'
        f"{_defs(prefix)}{body}</svg>"
    )


def _scale(values) -> float:
    top = max([float(v) for v in values] + [0])
    return top or 1.0


def bars(title: str, rows: list[tuple[str, float]], *, money: bool = False) -> str:
    """One bar per row: ``(label, value)``."""
    prefix = f"c{next(_ids)}"
    canvas = _Canvas()
    top = _scale(v for _, v in rows)
    write = amount if money else grouped
    body = []
    for i, (label, value) in enumerate(rows):
        y = 8 + i * ROW
        length = canvas.span * float(value) / top
        body.append(canvas.label(y + 10, label))
        body.append(
            f'<rect x="{canvas.bar_x(0, length):.1f}" y="{y}" width="{length:.1f}" height="20" '
            f'fill="{_fill(prefix, 0)}"/>'
        )
        body.append(canvas.value(length, y + 10, write(value)))
    desc = "; ".join(f"{label}: {write(value)}" for label, value in rows)
    return _svg(title, desc, 16 + len(rows) * ROW, "".join(body), prefix)


def stacked(title: str, rows: list[tuple[str, list[float]]], parts: list[str]) -> str:
    """One bar per row, cut into ``parts`` (same order in every row), with a legend."""
    prefix = f"c{next(_ids)}"
    canvas = _Canvas()
    top = _scale(sum(float(v) for v in values) for _, values in rows)
    body = []
    for i, (label, values) in enumerate(rows):
        y = 8 + i * ROW
        start = 0.0
        body.append(canvas.label(y + 10, label))
        for j, value in enumerate(values):
            length = canvas.span * float(value) / top
            if length:
                body.append(
                    f'<rect x="{canvas.bar_x(start, length):.1f}" y="{y}" width="{length:.1f}" '
                    f'height="20" fill="{_fill(prefix, j)}" stroke="#fff" stroke-width="1">'
                    f"<title>{escape(parts[j])}: {escape(amount(value))}</title></rect>"
                )
            start += length
        body.append(canvas.value(start, y + 10, amount(sum(values, Decimal(0)))))
    legend_y = 16 + len(rows) * ROW
    for j, part in enumerate(parts):
        row, col = divmod(j, 3)
        x0 = 10 + col * 160
        x = WIDTH - x0 - 16 if canvas.rtl else x0
        tx, anchor = (x - 6, "end") if canvas.rtl else (x + 22, "start")
        y = legend_y + row * 24
        body.append(
            f'<rect x="{x}" y="{y}" width="16" height="16" fill="{_fill(prefix, j)}" '
            f'stroke="#1f3b57" stroke-width="0.5"/>'
            f'<text x="{tx}" y="{y + 8}" text-anchor="{anchor}" font-size="12" '
            f'dominant-baseline="middle">{escape(part)}</text>'
        )
    legend_rows = (len(parts) + 2) // 3
    desc = "; ".join(
        f"{label}: " + ", ".join(f"{p} {amount(v)}" for p, v in zip(parts, values, strict=True))
        for label, values in rows
    )
    return _svg(title, desc, legend_y + legend_rows * 24 + 8, "".join(body), prefix)


def grouped_bars(title: str, rows: list[tuple[str, int, int]], series: list[str]) -> str:
    """Two bars per row (women, men), told apart by pattern and by a legend."""
    prefix = f"c{next(_ids)}"
    canvas = _Canvas()
    top = _scale(v for _, w, m in rows for v in (w, m))
    body = []
    step = 2 * 18 + 14
    for i, (label, *values) in enumerate(rows):
        y = 8 + i * step
        body.append(canvas.label(y + 18, label))
        for j, value in enumerate(values):
            length = canvas.span * float(value) / top
            yy = y + j * 18
            body.append(
                f'<rect x="{canvas.bar_x(0, length):.1f}" y="{yy}" width="{length:.1f}" '
                f'height="16" fill="{_fill(prefix, j)}"/>'
            )
            body.append(canvas.value(length, yy + 8, f"{series[j]} {grouped(value)}"))
    desc = "; ".join(
        f"{label}: " + ", ".join(f"{s} {grouped(v)}" for s, v in zip(series, values, strict=True))
        for label, *values in rows
    )
    return _svg(title, desc, 16 + len(rows) * step, "".join(body), prefix)


# --- The report's three charts -------------------------------------------------------------


def funnel(figures) -> str:
    return bars(
        _("From ideas identified to actions completed"),
        [(str(label), n) for _key, label, n in figures.funnel()],
    )


def women_and_men(figures) -> str:
    return grouped_bars(
        _("Women and men sensitised, trained and consulted"),
        [(str(label), w, m) for _key, label, w, m in figures.people()],
        [_("Women"), _("Men")],
    )


def sources(figures) -> str:
    sources = figures.sources()
    parts = [str(label) for _code, label, _b in sources]
    rows = [
        (_("All financing"), [b.total for *_x, b in sources]),
        (_("Gender-marked actions"), [b.gender for *_x, b in sources]),
        (_("Migration-marked actions"), [b.migration for *_x, b in sources]),
    ]
    return stacked(_("Financing by source (MAD)"), rows, parts)
