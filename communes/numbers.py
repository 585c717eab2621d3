"""Figures as people read them, the same on every page."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def percent(part, whole) -> str:
    """A share for people to read: "37 %" in French, "37%" in Arabic; a dash when whole is 0."""
    if not whole:
        return "-"
    return _("%(value)s%%") % {"value": number_format(round(100 * part / whole))}
