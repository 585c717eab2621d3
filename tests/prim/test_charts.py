"""The report's SVG charts: labelled for screen readers, escaped, mirrored in Arabic."""

import re

from django.utils.translation import override

from prim import charts


def _rects(svg):
    return [
        (float(x), float(w))
        for x, w in re.findall(r'<rect x="([\d.]+)" y="\d+" width="([\d.]+)"', svg)
    ]


def test_a_chart_says_what_it_shows_and_escapes_its_labels():
    svg = charts.bars("Funnel <b>", [("Ideas & more", 10), ("Adopted", 5)])
    assert 'role="img"' in svg and 'aria-labelledby="' in svg
    assert "<title id=" in svg and "Funnel &lt;b&gt;" in svg
    assert "<desc id=" in svg and "Ideas &amp; more: 10; Adopted: 5" in svg
    assert "style=" not in svg  # nothing the Content-Security-Policy would refuse
    assert "<script" not in svg


def test_bars_grow_from_the_left_in_french_and_from_the_right_in_arabic():
    rows = [("Idées", 10), ("Adoptées", 5)]
    with override("fr"):
        (x1, w1), (x2, w2) = _rects(charts.bars("t", rows))
        assert x1 == x2 == charts.LABEL and w1 == 2 * w2
    with override("ar"):
        (x1, w1), (x2, w2) = _rects(charts.bars("t", rows))
        right = charts.WIDTH - charts.LABEL
        assert x1 + w1 == right and x2 + w2 == right and w1 == 2 * w2


def test_stacked_bars_have_a_pattern_per_source_for_black_and_white_print():
    svg = charts.stacked("t", [("All", [3, 2, 1])], ["commune", "PRIM", "INDH"])
    fills = re.findall(r'fill="(url\(#[^)]+\)|#1f3b57)"', svg)
    assert len(set(fills)) >= 3
    assert all(name in svg for name in ("commune", "PRIM", "INDH"))
