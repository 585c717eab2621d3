"""One way for views to run a write service and answer its refusal.

    record, status = attempt(request, lambda: services.finding_save(...), form=form)
    if status is None:
        ...  # saved: message and redirect
    ...      # otherwise render the form again with ``status``

A refusal (``communes.errors``) becomes 409 for a stale record (``STALE_MESSAGE`` on top of
the form) or 400 with each message next to its field (a formset's messages on that formset,
the others on top of the form; without a form, as page messages). A step locked meanwhile
is the door's 403. A record the service was creating gets its unsaved state back, so the
form shown again is still a creation form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect

from .errors import STALE_MESSAGE, StaleRecord, StepLocked
from .numbering import NumberedRecord


def show_errors(form: BaseForm, error: ValidationError, formsets: dict | None = None) -> None:
    """A refusal's messages on the form: next to their field when they name one."""
    formsets = formsets or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, field_messages in error.message_dict.items():
        if field in formsets:
            formsets[field].non_form_errors().extend(field_messages)
            continue
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def attempt(
    request,
    call: Callable[[], Any],
    *,
    form: BaseForm | None = None,
    formsets: dict | None = None,
) -> tuple[Any, int | None]:
    """Run ``call`` (a write service); ``(its result, None)``, or ``(None, 400 or 409)``."""
    instance = getattr(form, "instance", None)
    creating = instance is not None and instance.pk is None
    try:
        return call(), None
    except StepLocked as error:
        raise PermissionDenied(error.messages[0]) from error
    except ValidationError as error:
        if creating:  # the transaction was rolled back: the record is new again
            instance.pk = None
            instance._state.adding = True
            if isinstance(instance, NumberedRecord):
                instance.number = None
        stale = isinstance(error, StaleRecord)
        if form is not None:
            if stale:
                form.add_error(None, STALE_MESSAGE)
            else:
                show_errors(form, error, formsets)
        else:
            for message in error.messages:
                messages.error(request, message)
        return None, 409 if stale else 400


def save_or_status(
    request,
    valid: bool,
    call: Callable[[], Any],
    *,
    form: BaseForm,
    message: str,
    url: Callable[[Any], str],
) -> tuple[HttpResponse | None, int]:
    """The end of a hand-written form page whose forms are bound and checked: nothing written
    when one is wrong (400); else ``call`` through ``attempt`` and, once saved, ``message`` and
    a redirect to ``url(saved record)``. ``(redirect, 302)``, or ``(None, status to show)``."""
    if not valid:
        return None, 400
    saved, status = attempt(request, call, form=form)
    if status is not None:
        return None, status
    messages.success(request, message)
    return redirect(url(saved)), 302
