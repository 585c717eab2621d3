"""Text direction in templates: ``{% load bidi %}``."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def ltr(value):
    """A left-to-right piece (a period "2022-2027", a number "07/2023") kept whole in Arabic.

    After Arabic letters the bidirectional algorithm treats digits as Arabic numbers, and a
    hyphen or a slash between them as neutral: "PAC 2022-2027" would read "2027-2022". The
    isolate keeps the piece in its own order, as the tables and tabs already show it.
    """
    return format_html('<bdi dir="ltr">{}</bdi>', value)


@register.filter
def isolate(value):
    """User text inside a translated sentence, in its own direction (``<bdi>``): a French place
    name in an Arabic sentence keeps the sentence's punctuation where it belongs."""
    return format_html("<bdi>{}</bdi>", value)
