"""The key under which the browser keeps a user's form drafts (``static/js/drafts.js``)."""

from django import template
from django.utils.crypto import salted_hmac

register = template.Library()


@register.filter
def draft_owner(user) -> str:
    """An opaque token per user: drafts are never offered to another account on the same
    browser, and the page does not expose the user's database id."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return salted_hmac("prim.drafts", str(user.pk)).hexdigest()[:20]
