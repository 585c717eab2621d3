"""Nothing typed is lost: buttons that re-render a form with what was typed, without saving.

"Add a row" (``name="add_row" value="<formset prefix>"``) and the consultation grid's
layout switch are plain submit buttons, so they work without JavaScript: the view sends
the posted data back into the same forms with one more row, and shows no error for a
form the user has not finished yet.
"""

from __future__ import annotations

from django.forms.utils import ErrorDict, ErrorList

ADD_ROW = "add_row"


def added_row(request, prefixes) -> str | None:
    """The prefix of the formset whose "Add a row" button was pressed, if any."""
    if request.method != "POST":
        return None
    prefix = request.POST.get(ADD_ROW)
    return prefix if prefix in set(prefixes) else None


def with_extra_row(data, prefix: str):
    """A copy of the posted data announcing one more form in the formset ``prefix``."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except (TypeError, ValueError):
        total = 0
    data[key] = str(max(total, 0) + 1)
    return data


def without_errors(*items) -> None:
    """Show forms and formsets bound to what was typed, without validating them.

    Rendering a bound field reads ``form.errors``, which would validate the half-typed
    form; marking it checked with no error keeps the typed values and shows no message.
    """
    for item in items:
        forms = getattr(item, "forms", None)
        if forms is not None:  # a formset
            item._errors = [ErrorDict() for _form in forms]
            item._non_form_errors = ErrorList()
            for form in forms:
                form._errors = ErrorDict()
                form.cleaned_data = {}
        else:
            item._errors = ErrorDict()
            item.cleaned_data = {}
