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


@register.simple_tag
def bilingual_field(form, name):
    """A French field and its Arabic twin side by side (the Arabic one right-to-left)."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    return format_html(
        '<div class="row bilingual-pair"><div class="col-md-6">{}</div>'
        '<div class="col-md-6">{}</div></div>',
        as_crispy_field(form[name]),
        as_crispy_field(form[name + "_ar"]),
    )


@register.filter
def untranslated(value):
    """The mark after a text printed in the other language (``communes.bilingual.BiText``)."""
    from communes.bilingual import NOT_TRANSLATED

    if getattr(value, "missing", False):
        return format_html(' <span class="untranslated">{}</span>', NOT_TRANSLATED)
    return ""


@register.filter
def bi(record, name):
    """A content field of a record in the active language: ``{{ action|bi:"axis" }}``,
    followed by ``{{ action|bi:"axis"|untranslated }}`` when it had to use the other one."""
    from communes.bilingual import bi_text

    return bi_text(record, name)
