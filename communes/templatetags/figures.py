"""Figures in page templates, as ``communes.numbers`` writes them: ``{% load figures %}``.

Dates: Django's ``date`` filter, whose Arabic month names ``communes.numbers.MONTHS`` sets.
"""

from collections.abc import Callable

from django import template

from communes import numbers

register = template.Library()


def or_dash(write: Callable[[object], str]) -> Callable[[object], str]:
    """A template filter from a writer of ``communes.numbers``: "-" where there is no figure
    (the pages and the PAC annex write figures with the same functions)."""

    def figure(value) -> str:
        return "-" if value is None or value == "" else write(value)

    figure.__doc__ = write.__doc__
    return figure


# "1 250 000", "150 000,50" (never rounded away)
amount = register.filter("amount", or_dash(numbers.amount))
# "37 %" in French, "37%" in Arabic
share = register.filter("share", or_dash(numbers.share))


@register.filter
def labelled(values, labels):
    """``{% for label, value in row|labelled:columns %}``: each figure of a row with its
    column's name, for the ``data-label`` of table cells that become cards on a phone.
    ``labels`` may be plain names (years) or Django choices ``(value, label)``."""
    names = [label[1] if isinstance(label, list | tuple) else label for label in labels]
    return list(zip(names, values, strict=True))
