"""The transition table of communes.workflow, every state x action x actor, written out by hand."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from communes import workflow
from communes.workflow import Action, Actor, Forbidden, Status, TransitionRefused

NS, IP, SU, VA, RE = (
    Status.NOT_STARTED,
    Status.IN_PROGRESS,
    Status.SUBMITTED,
    Status.VALIDATED,
    Status.RETURNED,
)

# (action, actor) -> {state the move is allowed from: the state it leads to}.
# Any other state: refused (409); any other actor: forbidden (403).
ALLOWED = {
    (Action.START, Actor.EDITOR): {NS: IP},
    (Action.SUBMIT, Actor.EDITOR): {NS: SU, IP: SU, RE: SU},
    (Action.VALIDATE, Actor.REVIEWER): {SU: VA},
    (Action.RETURN, Actor.REVIEWER): {SU: RE},
    (Action.REOPEN, Actor.REVIEWER): {VA: IP},
}


@pytest.mark.parametrize(
    ("action", "actor", "state"), list(itertools.product(Action, Actor, Status))
)
def test_every_state_action_and_actor(action, actor, state):
    owner = next(who for (act, who) in ALLOWED if act == action)
    if actor != owner:
        with pytest.raises(Forbidden):
            workflow.target(action, actor, state)
        assert not workflow.allowed(action, actor, state)
        return
    expected = ALLOWED[(action, actor)].get(state)
    if expected is None:
        with pytest.raises(TransitionRefused) as refused:
            workflow.target(action, actor, state)
        # The message names the state the step is in.
        assert str(Status(state).label) in refused.value.messages[0]
        assert not workflow.allowed(action, actor, state)
    else:
        assert workflow.target(action, actor, state) == expected
        assert workflow.allowed(action, actor, state)


def test_reopen_may_also_send_the_step_back_to_the_commune_but_nowhere_else():
    assert workflow.target(Action.REOPEN, Actor.REVIEWER, VA, RE) == RE
    for elsewhere in (NS, SU, VA):
        with pytest.raises(ValidationError) as error:
            workflow.target(Action.REOPEN, Actor.REVIEWER, VA, elsewhere)
        assert "to" in error.value.message_dict


def test_a_refusal_is_a_validation_error_with_a_clear_message():
    with override("fr"), pytest.raises(ValidationError) as error:
        workflow.target(Action.VALIDATE, Actor.REVIEWER, VA)
    assert error.value.messages == [
        "Cette étape est validée\u00a0: seule une étape soumise peut être validée."
    ]


@pytest.mark.parametrize(
    ("step", "states", "waiting"),
    [
        (1, {}, []),
        (2, {1: NS}, []),
        (3, {1: NS, 2: IP}, []),  # awareness and training feed no later record
        (4, {3: IP}, [3]),
        (4, {3: RE}, [3]),
        (4, {3: SU}, []),
        (4, {3: VA}, []),
        (5, {3: VA, 4: IP}, [4]),
        (5, {3: NS, 4: NS}, [3, 4]),
        (5, {3: SU, 4: VA}, []),
    ],
)
def test_validation_waits_for_the_steps_it_rests_on(step, states, waiting):
    assert workflow.waiting_for(step, states) == waiting


def test_dependents_follow_the_records():
    assert [workflow.dependents(n) for n in (1, 2, 3, 4, 5)] == [[], [], [4, 5], [5], []]


def test_only_validated_dependents_are_reopened_with_a_step():
    assert workflow.reopened_with(3, {4: VA, 5: VA}) == [4, 5]
    assert workflow.reopened_with(3, {4: SU, 5: VA}) == [5]
    assert workflow.reopened_with(3, {4: SU, 5: IP}) == []
    assert workflow.reopened_with(1, {2: VA, 3: VA, 4: VA, 5: VA}) == []
