"""The one kind of error write services raise, and what views answer to it (``communes.writes``).

``ServiceError`` is a ``ValidationError``: messages by field (``{"field": [...]}``) or for the
record as a whole; a model's ``full_clean()`` inside a service raises its parent, handled alike.
Its two particular cases: ``StaleRecord`` (the row changed since the form was loaded: 409) and
``StepLocked`` (the step was submitted or validated meanwhile: the door's 403).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _(
    "Someone else saved this record after you opened it. Reload the page to see "
    "their changes, then make yours again. Nothing was saved."
)


class ServiceError(ValidationError):
    """A write refused by a service, with its messages for the user."""


class StaleRecord(ServiceError):
    """The row changed since the form was loaded (``communes.concurrency.check_version``)."""

    def __init__(self, message=None):
        super().__init__(message or STALE_MESSAGE, code="stale")


class StepLocked(ServiceError):
    """The step's records are read-only for the commune while it is submitted or validated."""

    def __init__(self, number: int):
        super().__init__(
            gettext("Step %(number)s is read-only while it is submitted or validated.")
            % {"number": number},
            code="step_locked",
        )
