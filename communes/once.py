"""One submission, one record: create forms carry a one-time token.

The create form holds a hidden ``submission_token`` (``{% submission_token %}``, from
``communes.templatetags.once``). ``@once_per_token`` runs the create view and, when it
saved (a redirect), records the token in the same transaction; the token is unique, so
the same form sent again (a double click, the browser's back button then save, two tabs
racing) cannot create a second record: it is sent to the record the first one created,
with a message. It needs no JavaScript. A POST without a token (a script, an old page)
is processed as before.
"""

from __future__ import annotations

import uuid
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import FormToken

FIELD = "submission_token"


def posted_token(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def _replayed(request, url):
    messages.info(request, _("This form had already been saved: here is the record it created."))
    return redirect(url)


def _earlier(token: uuid.UUID) -> FormToken | None:
    return FormToken.objects.filter(token=token).first()


def once_per_token(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = posted_token(request) if request.method == "POST" else None
        if token is None:
            return view(request, *args, **kwargs)
        earlier = _earlier(token)
        if earlier is not None:
            if earlier.user_id != request.user.pk:
                # Someone else's token (copied from their page) tells nothing about this user.
                return view(request, *args, **kwargs)
            return _replayed(request, earlier.url)
        try:
            with transaction.atomic():
                response = view(request, *args, **kwargs)
                if response.status_code == 302:  # saved: the token is used up with it
                    FormToken.objects.create(token=token, user=request.user, url=response.url)
        except IntegrityError:
            # The same token committed meanwhile by a concurrent request: this one rolled back.
            earlier = _earlier(token)
            if earlier is None or earlier.user_id != request.user.pk:
                raise
            return _replayed(request, earlier.url)
        return response

    return wrapper
