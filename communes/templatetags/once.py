"""``{% submission_token %}``: the hidden one-time token of a create form (``communes.once``)."""

import uuid

from django import template
from django.utils.html import format_html

from communes.once import FIELD, posted_token

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token(context) -> str:
    # A form shown again with its errors keeps its token: it has not been used yet.
    request = context.get("request")
    token = posted_token(request) if request is not None and request.method == "POST" else None
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token or uuid.uuid4())
