"""Template filters of the PAC annex (loaded as ``{% load annex %}`` by the annex's own engine).

Numbers, money, shares and dates are written in the document's language by the same functions
as the pages (``communes.numbers``): "1 250 000 MAD" and "25 octobre 2022" in French;
"1 250 000 درهم" and "25 أكتوبر 2022" in Arabic, with the digits 0-9 and the Moroccan month
names ("ماي", "يوليوز", "غشت", "شتنبر", "نونبر", "دجنبر").
The annex is rendered inside ``{% localize off %}``: a number printed without one of these
filters (a year, a code) is never grouped.
"""

from __future__ import annotations

import unicodedata

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from communes import numbers
from communes.bilingual import is_arabic
from communes.templatetags.bidi import untranslated
from communes.templatetags.figures import or_dash

register = template.Library()


num = register.filter("num", or_dash(numbers.number))
amount = register.filter("amount", or_dash(numbers.amount))
mad = register.filter("mad", or_dash(numbers.money))  # "1 250 000 MAD", "1 250 000 درهم"
register.filter("untranslated", untranslated)  # "(non traduit / غير مترجم)" after a fallback
pct = register.filter("pct", or_dash(numbers.share))  # rounded to the unit: "37 %", "37%"


@register.filter
def ldate(value) -> str:
    """A date written out in the document's language: "25 octobre 2022", "25 أكتوبر 2022"."""
    return numbers.long_date(value) if value else "-"


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
    return "rtl" if is_arabic() else "ltr"


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
def verdict(code) -> str:
    """An IEECAG opinion's label in the document's language."""
    from actions.models import IeecagOpinion

    return str(IeecagOpinion.Verdict(code).label) if code else ""


@register.filter
def session_label(code) -> str:
    """A council session's label in the document's language."""
    from actions.models import PacDeliberation

    return str(PacDeliberation.Session(code).label) if code else ""
