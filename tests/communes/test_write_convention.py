"""The write convention: the step lock is checked by the write services themselves, and one
view helper (``communes.writes.attempt``) answers their refusals."""

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from actions import services as action_services
from actions.models import PacAction
from communes import services
from communes.concurrency import check_version
from communes.errors import STALE_MESSAGE, ServiceError, StaleRecord, StepLocked
from communes.models import StepStatus
from communes.records import AwarenessSession, Training
from communes.writes import attempt
from tests.actions.conftest import build_ideas, decide, make_action
from tests.communes.test_awareness_models import make_session, make_training


def _submit(cycle, step):
    StepStatus.objects.filter(cycle=cycle, step=step).update(status=StepStatus.Status.SUBMITTED)


@pytest.mark.django_db
def test_a_session_is_not_deleted_once_step_1_is_submitted(cycle, editor):
    """The door let the editor in; the step was submitted before the delete reached the service."""
    session = make_session(cycle, by=editor)
    _submit(cycle, 1)
    with pytest.raises(StepLocked):
        services.awareness_session_delete(session=session, by=editor)
    assert AwarenessSession.objects.filter(pk=session.pk).exists()


@pytest.mark.django_db
def test_a_training_is_not_deleted_once_step_2_is_validated(cycle, editor):
    training = make_training(cycle, by=editor)
    StepStatus.objects.filter(cycle=cycle, step=2).update(status=StepStatus.Status.VALIDATED)
    with pytest.raises(StepLocked):
        services.training_delete(training=training, by=editor)
    assert Training.objects.filter(pk=training.pk).exists()


@pytest.mark.django_db
def test_an_action_is_not_deleted_once_step_5_is_submitted(cycle, editor):
    ideas = build_ideas(cycle, 1)
    decide(ideas)
    action = make_action(cycle, ideas)
    _submit(cycle, 5)
    with pytest.raises(StepLocked):
        action_services.action_delete(action=action, by=editor)
    assert PacAction.objects.filter(pk=action.pk).exists()


@pytest.mark.django_db
def test_saving_into_a_submitted_step_is_refused_and_writes_nothing(cycle, editor):
    _submit(cycle, 1)
    with pytest.raises(StepLocked):
        make_session(cycle, by=editor)
    assert not AwarenessSession.objects.exists()


@pytest.mark.django_db
def test_check_version_refuses_an_old_reading(cycle, editor):
    session = make_session(cycle, by=editor)
    with pytest.raises(StaleRecord):
        check_version(session, session.version - 1)
    with pytest.raises(StaleRecord):  # no version at all for a stored row
        check_version(session, None)
    with pytest.raises(StaleRecord):  # a row deleted since the form showed it
        check_version(None, 3)
    check_version(session, session.version)  # the right one passes
    session.save()
    session.refresh_from_db()
    assert session.version == 2  # saving counts the version


class _Form(forms.Form):
    place = forms.CharField(required=False)


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_attempt_puts_a_refusal_next_to_its_field_with_400():
    form = _Form({"place": "x"})
    form.is_valid()

    def refuse():
        raise ServiceError({"place": "Not here.", "nowhere": "On top."})

    assert attempt(_request(), refuse, form=form) == (None, 400)
    assert form.errors["place"] == ["Not here."]
    assert form.non_field_errors() == ["On top."]


def test_attempt_answers_a_stale_record_with_409_and_the_stale_message():
    form = _Form({"place": "x"})
    form.is_valid()

    def stale():
        raise StaleRecord

    assert attempt(_request(), stale, form=form) == (None, 409)
    assert form.non_field_errors() == [str(STALE_MESSAGE)]


def test_attempt_without_a_form_shows_page_messages_and_a_locked_step_is_403():
    request = _request()

    def refuse():
        raise ServiceError("Cannot delete.")

    assert attempt(request, refuse) == (None, 400)
    assert [str(m) for m in request._messages] == ["Cannot delete."]

    def locked():
        raise StepLocked(3)

    with pytest.raises(PermissionDenied):
        attempt(request, locked)
    assert attempt(request, lambda: "done") == ("done", None)
