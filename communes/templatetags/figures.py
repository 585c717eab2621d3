"""Figures in page templates, as ``communes.numbers`` writes them: ``{% load figures %}``.

Dates: Django's ``date`` filter, whose Arabic month names ``communes.numbers.MONTHS`` sets.
"""

from django import template

from communes import numbers

register = template.Library()


@register.filter
def amount(value) -> str:
    """An amount in dirhams, figure only: "1 250 000", "150 000,50" (never rounded away)."""
    return "-" if value is None or value == "" else numbers.amount(value)


@register.filter
def share(value) -> str:
    """A percentage already worked out: "37 %" in French, "37%" in Arabic; "-" for none."""
    return "-" if value is None or value == "" else numbers.share(value)
