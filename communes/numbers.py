"""Figures and lists as people read them, the same on every page."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def grouped(value, decimals: int = 0) -> str:
    """A number in the language's format, thousands always grouped: "1 250 000,50" in French
    (U+00A0), "1 250 000,50" in Arabic (U+202F, see prim/formats/ar)."""
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def amount(value) -> str:
    """The figure of an amount in dirhams: cents only when there are some."""
    value = Decimal(value)
    return grouped(value, 0 if value == value.to_integral_value() else 2)


def share(value) -> str:
    """A percentage already worked out, for people to read: "37 %" in French, "37%" in Arabic."""
    return _("%(value)s%%") % {"value": number_format(value)}


def percent(part, whole) -> str:
    """``part`` as a share of ``whole`` (see ``share``); a dash when whole is 0."""
    if not whole:
        return "-"
    return share(round(100 * part / whole))


def listing(items, *, long_items: bool = False) -> str:
    """Items joined with the language's separator: "a, b" in French, "a، b" in Arabic.

    ``long_items`` (titles, sentences) uses the stronger separator: "a; b", "a؛ b". The same
    separators as the templates' ``{% translate ", " context "list separator" %}``.
    """
    if long_items:
        separator = pgettext("list separator, between longer items", "; ")
    else:
        separator = pgettext("list separator", ", ")
    return separator.join(str(item) for item in items)
