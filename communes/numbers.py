"""The one formatting module: figures, money, shares, dates and lists as people read them.

Pages (``{% load figures %}``, Django's ``date`` filter) and the PAC annex (``{% load annex %}``)
print through these functions, so a figure reads the same on the screen and on paper:
"1 250 000 MAD" / "1 250 000 درهم", "37 %" / "37%", "3 mai 2022" / "3 ماي 2022".

Arabic dates use the month names of Moroccan administration (ماي, يونيو, يوليوز, غشت, شتنبر,
نونبر, دجنبر), not the Middle-Eastern ones Django ships (مايو, يوليو, أغسطس...). ``MONTHS``
repeats Django's own message ids (``django/utils/dates.py``): the project's catalogue is read
before Django's, so its translations are the ones ``date_format`` and the ``date`` filter print.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy, pgettext

# The same message ids as django.utils.dates.MONTHS, translated in locale/ (see above).
MONTHS = {
    1: gettext_lazy("January"),
    2: gettext_lazy("February"),
    3: gettext_lazy("March"),
    4: gettext_lazy("April"),
    5: gettext_lazy("May"),
    6: gettext_lazy("June"),
    7: gettext_lazy("July"),
    8: gettext_lazy("August"),
    9: gettext_lazy("September"),
    10: gettext_lazy("October"),
    11: gettext_lazy("November"),
    12: gettext_lazy("December"),
}


def grouped(value, decimals: int = 0) -> str:
    """A number in the language's format, thousands always grouped: "1 250 000,50" in French
    (U+00A0), "1 250 000,50" in Arabic (U+202F, see prim/formats/ar)."""
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def number(value) -> str:
    """A count or a measure: grouped, with decimals only when there are some ("12,5")."""
    if isinstance(value, Decimal) and value != value.to_integral_value():
        normal = value.normalize()
        return grouped(normal, max(0, -normal.as_tuple().exponent))
    return grouped(value, 0)


def amount(value) -> str:
    """The figure of an amount in dirhams: cents only when there are some."""
    value = Decimal(value)
    return grouped(value, 0 if value == value.to_integral_value() else 2)


def money(value) -> str:
    """An amount with its currency: "1 250 000 MAD", "1 250 000 درهم"."""
    return pgettext("amount in Moroccan dirhams", "%(amount)s MAD") % {"amount": amount(value or 0)}


def ratio(part, whole) -> Decimal | None:
    """``part`` as a percentage of ``whole``, unrounded (None when there is nothing to divide)."""
    if not whole:
        return None
    return Decimal(100) * Decimal(part or 0) / Decimal(whole)


def rounded(value) -> int | None:
    """A share rounded half up to the unit, as ``share`` prints it (None stays None)."""
    if value is None:
        return None
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share(value) -> str:
    """A percentage for people to read, rounded half up to the unit: "37 %" in French,
    "37%" in Arabic; "-" for None (nothing to divide)."""
    if value is None:
        return "-"
    return pgettext("percentage", "%(value)s%%") % {"value": grouped(rounded(value))}


def percent(part, whole) -> str:
    """``part`` as a share of ``whole`` (see ``share``); a dash when whole is 0."""
    value = ratio(part, whole)
    return "-" if value is None else share(value)


def long_date(value: datetime.date) -> str:
    """A date written out for a document: "1er février 2023", "25 octobre 2022", "7 ماي 2023".

    Pages print dates with Django's ``date`` filter, whose month names are the same (MONTHS).
    """
    if isinstance(value, datetime.datetime):
        value = value.date()
    return pgettext("annex date: day, month name, year", "%(day)s %(month)s %(year)s") % {
        "day": pgettext("first day of a month in a date", "1st") if value.day == 1 else value.day,
        "month": MONTHS[value.month],
        "year": value.year,
    }


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
