"""The review workflow of a step, in one place: who may move it, from where, to where.

    action     actor      from                                  to
    start      editor     not started                           in progress   (its first record)
    submit     editor     not started, in progress, returned    submitted
    validate   reviewer   submitted                             validated     (checklist complete,
                                                                               prerequisites sent)
    return     reviewer   submitted                             returned      (comment required)
    reopen     reviewer   validated                             in progress or returned
                                                                               (reason required)

A reviewer is a coordinator of the commune's region or a national administrator.

Dependencies follow the records, not the numbering: step 4 ranks the ideas of step 3, step 5
writes the ideas adopted in step 4 into the PAC. Steps 1 (awareness) and 2 (training) feed no
later record, so they block nothing. A step may be validated only when each step it depends on
is at least submitted. When a step's records are opened again (return or reopen), the later
steps that depend on it and are validated are reopened with it: their validation said "these
follow from those records", which no longer holds once those records can change. The reviewer
confirms this before, on a form that names them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import StepEvent, StepStatus
from .numbers import listing

Status = StepStatus.Status
Action = StepEvent.Action


class Actor(models.TextChoices):
    """The part a user plays on a commune's steps (never shown: not translated)."""

    EDITOR = "editor"
    REVIEWER = "reviewer"  # a coordinator of the commune's region or a national administrator
    READER = "reader"


@dataclass(frozen=True)
class Transition:
    action: str
    actor: str
    sources: frozenset[str]
    targets: tuple[str, ...]  # the first is the default


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            Action.START, Actor.EDITOR, frozenset({Status.NOT_STARTED}), (Status.IN_PROGRESS,)
        ),
        Transition(Action.SUBMIT, Actor.EDITOR, StepStatus.SUBMITTABLE, (Status.SUBMITTED,)),
        Transition(
            Action.VALIDATE, Actor.REVIEWER, frozenset({Status.SUBMITTED}), (Status.VALIDATED,)
        ),
        Transition(
            Action.RETURN, Actor.REVIEWER, frozenset({Status.SUBMITTED}), (Status.RETURNED,)
        ),
        Transition(
            Action.REOPEN,
            Actor.REVIEWER,
            frozenset({Status.VALIDATED}),
            (Status.IN_PROGRESS, Status.RETURNED),
        ),
    )
}

# step -> the earlier steps whose records it builds on.
DEPENDS_ON: dict[int, tuple[int, ...]] = {1: (), 2: (), 3: (), 4: (3,), 5: (3, 4)}

# At least submitted: the commune has sent those records and may no longer change them.
SENT = frozenset({Status.SUBMITTED, Status.VALIDATED})


class Forbidden(Exception):
    """The actor may never take this action (the view answers 403)."""


class TransitionRefused(ValidationError):
    """The step's state does not allow this action now (the view answers 409, nothing changed)."""


def target(action: str, actor: str, state: str, to: str | None = None) -> str:
    """The state ``action`` by ``actor`` leads to from ``state``, or the reason it may not."""
    transition = TRANSITIONS[action]
    if actor != transition.actor:
        raise Forbidden(action)
    if state not in transition.sources:
        raise TransitionRefused(refusal(action, state))
    to = to or transition.targets[0]
    if to not in transition.targets:
        raise ValidationError({"to": _("Choose in progress or returned to the commune.")})
    return to


def refusal(action: str, state: str) -> str:
    label = Status(state).label
    messages = {
        Action.START: _("This step is already %(status)s."),
        Action.SUBMIT: _("This step is already %(status)s: it cannot be submitted again."),
        Action.VALIDATE: _("This step is %(status)s: only a submitted step can be validated."),
        Action.RETURN: _("This step is %(status)s: only a submitted step can be returned."),
        Action.REOPEN: _("This step is %(status)s: only a validated step can be reopened."),
    }
    return str(messages[action]) % {"status": label}


def allowed(action: str, actor: str, state: str) -> bool:
    transition = TRANSITIONS[action]
    return actor == transition.actor and state in transition.sources


def waiting_for(step: int, states: dict[int, str]) -> list[int]:
    """The steps ``step`` depends on that the commune has not sent yet."""
    return [n for n in DEPENDS_ON[step] if states.get(n, Status.NOT_STARTED) not in SENT]


def dependents(step: int) -> list[int]:
    """Every later step resting on ``step``'s records, directly or through another step."""
    found: list[int] = []
    for later, needs in sorted(DEPENDS_ON.items()):
        if step in needs or any(n in needs for n in found):
            found.append(later)
    return found


def reopened_with(step: int, states: dict[int, str]) -> list[int]:
    """The validated later steps that opening ``step``'s records again reopens too."""
    return [n for n in dependents(step) if states.get(n) == Status.VALIDATED]


def step_names(numbers: list[int]) -> str:
    """ "step 3", "step 3, step 4": step numbers in a sentence, in the page's language."""
    return listing([gettext("step %(number)s") % {"number": n} for n in numbers])


def waiting_message(numbers: list[int]) -> str:
    """Why a Validate button is not offered (``numbers`` from ``waiting_for``)."""
    return ngettext(
        "Validation waits for %(steps)s to be submitted.",
        "Validation waits for %(steps)s to be submitted.",
        len(numbers),
    ) % {"steps": step_names(numbers)}
