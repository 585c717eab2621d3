"""Template filters of the PAC annex (loaded as ``{% load annex %}`` by the annex's own engine).

Numbers, money, shares and dates are written in the document's language: "1 250 000 MAD"
and "25 octobre 2022" in French; "1 250 000 درهم" and "25 أكتوبر 2022" in Arabic, with the
digits 0-9 and the Moroccan month names ("ماي", "يوليوز", "غشت", "شتنبر", "نونبر", "دجنبر").
The annex is rendered inside ``{% localize off %}``: a number printed without one of these
filters (a year, a code) is never grouped.
"""

from __future__ import annotations

import datetime
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext

from communes import numbers

register = template.Library()


def _is_arabic() -> bool:
    return (get_language() or "").startswith("ar")


def format_number(value, decimals: int = 0) -> str:
    """Grouped as on the pages (``communes.numbers``): U+00A0 in French, U+202F in Arabic,
    a number separator that keeps "1 250 000" whole inside right-to-left text."""
    if value is None or value == "":
        return "-"
    return numbers.grouped(value, decimals)


@register.filter
def num(value) -> str:
    """A count or measure: grouped thousands, decimals only when there are some."""
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return format_number(value.normalize(), max(0, -value.normalize().as_tuple().exponent))
    return format_number(value, 0)


def amount_text(value) -> str:
    """The figure of an amount in dirhams: cents only when there are some."""
    return "-" if value is None else numbers.amount(value)


@register.filter
def amount(value) -> str:
    return amount_text(value)


@register.filter
def mad(value) -> str:
    """An amount with its currency: "1 250 000 MAD", "1 250 000 درهم"."""
    if value is None:
        return "-"
    return pgettext("amount in Moroccan dirhams", "%(amount)s MAD") % {"amount": amount_text(value)}


@register.filter
def pct(value) -> str:
    """A share rounded to the unit: "37 %", "37%"."""
    if value is None:
        return "-"
    rounded = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return pgettext("percentage", "%(value)s%%") % {"value": format_number(rounded)}


def _month(number: int) -> str:
    # Spelled out so that makemessages sees each month; translated to the Moroccan names.
    return {
        1: pgettext("annex month", "January"),
        2: pgettext("annex month", "February"),
        3: pgettext("annex month", "March"),
        4: pgettext("annex month", "April"),
        5: pgettext("annex month", "May"),
        6: pgettext("annex month", "June"),
        7: pgettext("annex month", "July"),
        8: pgettext("annex month", "August"),
        9: pgettext("annex month", "September"),
        10: pgettext("annex month", "October"),
        11: pgettext("annex month", "November"),
        12: pgettext("annex month", "December"),
    }[number]


@register.filter
def ldate(value) -> str:
    """A date written out in the document's language: "25 octobre 2022", "25 أكتوبر 2022"."""
    if not value:
        return "-"
    if isinstance(value, datetime.datetime):
        value = value.date()
    return pgettext("annex date: day, month name, year", "%(day)s %(month)s %(year)s") % {
        "day": pgettext("first day of a month in a date", "1st") if value.day == 1 else value.day,
        "month": _month(value.month),
        "year": value.year,
    }


@register.filter
def sdate(value) -> str:
    """A short date, 25/10/2022 in both languages (as on Moroccan administrative forms)."""
    if not value:
        return "-"
    return date_format(value, "d/m/Y")


@register.filter
def textdir(value) -> str:
    """``rtl`` or ``ltr`` from the first strong character (the Unicode bidi rule P2-P3).

    WeasyPrint has no ``dir="auto"``: user text gets its direction computed here, so a
    French title stays left-to-right inside an Arabic page and the other way round.
    """
    for char in str(value or ""):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "rtl" if _is_arabic() else "ltr"


@register.filter
def iso(value) -> str:
    """User text set inline among other words, in a first-strong isolate (FSI ... PDI).

    WeasyPrint ignores ``unicode-bidi: isolate``; the invisible Unicode isolates do the
    same job, so a French title inside an Arabic sentence keeps its punctuation in place.
    """
    return mark_safe(f"\u2068{conditional_escape(value)}\u2069")  # noqa: S308


@register.filter
def period(annex) -> str:
    """The PAC period "2022-2027" in a left-to-right isolate (LRI ... PDI): after Arabic words
    the digits are Arabic numbers for the bidi algorithm and the hyphen is neutral, which would
    print "2027-2022"."""
    return mark_safe(f"\u2066{annex.start_year}-{annex.end_year}\u2069")  # noqa: S308


@register.filter
def cssstr(value) -> str:
    """A CSS string literal (with its quotes) that nothing inside can break out of."""
    out = []
    for char in str(value or ""):
        if char.isalnum() or char == " ":
            out.append(char)
        else:
            out.append(f"\\{ord(char):06x}")
    # Only letters, digits, spaces, quotes and backslash escapes: safe inside <style>.
    return mark_safe('"' + "".join(out) + '"')  # noqa: S308


@register.filter
def commune_title(name) -> str:
    """ "Commune d'Oujda", "Commune de Nador", "جماعة وجدة" (French elides before a vowel)."""
    text = str(name)
    first = unicodedata.normalize("NFD", text[:1]).lower()[:1]
    if first in "aeiouyh":
        return pgettext("commune name starting with a vowel", "Commune of %(name)s") % {
            "name": text
        }
    return pgettext("commune name", "Commune of %(name)s") % {"name": text}


@register.filter
def get(items, index):
    """``row.costs|get:forloop.counter0``: an item of a list by its position."""
    try:
        return items[index]
    except (IndexError, KeyError, TypeError):
        return None
