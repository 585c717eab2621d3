"""Coordinators validate submitted steps or return them with a comment."""

import pytest

from communes.models import StepStatus
from tests.access_matrix import REVIEW

pytestmark = pytest.mark.django_db
URL = "/communes/oujda/pac/2022/steps/1/review/"
Status = StepStatus.Status


@pytest.fixture
def submitted(cycle):
    StepStatus.objects.filter(cycle=cycle, step=1).update(status=Status.SUBMITTED)
    return cycle


def status(cycle):
    return cycle.steps.get(step=1)


def test_coordinator_sees_the_review_form_on_a_submitted_step(client_for, coordinator, submitted):
    page = client_for(coordinator).get("/communes/oujda/").content.decode()
    assert page.count('name="decision"') == 2
    assert "Valider" in page and "Renvoyer à la commune" in page


def test_editor_and_viewer_see_no_review_form(client_for, editor, viewer, submitted):
    for user in (editor, viewer):
        assert 'name="decision"' not in client_for(user).get("/communes/oujda/").content.decode()


def test_coordinator_validates(client_for, coordinator, submitted):
    response = client_for(coordinator).post(URL, {"decision": "validate"}, follow=True)
    assert "Étape 1 validée." in response.content.decode()
    step = status(submitted)
    assert (step.status, step.changed_by) == (Status.VALIDATED, coordinator)


def test_return_needs_a_comment_and_then_unlocks_the_step(client_for, coordinator, submitted):
    client = client_for(coordinator)
    response = client.post(URL, {"decision": "return", "comment": "  "}, follow=True)
    assert "Indiquez ce que la commune doit modifier." in response.content.decode()
    assert status(submitted).status == Status.SUBMITTED
    client.post(URL, {"decision": "return", "comment": "Ajoutez la feuille de présence."})
    step = status(submitted)
    assert (step.status, step.comment) == (Status.RETURNED, "Ajoutez la feuille de présence.")


def test_only_a_submitted_step_can_be_reviewed(client_for, coordinator, cycle):
    response = client_for(coordinator).post(URL, {"decision": "validate"}, follow=True)
    assert "Seule une étape soumise peut être examinée." in response.content.decode()
    assert status(cycle).status == Status.NOT_STARTED


def test_unknown_decision_changes_nothing(client_for, coordinator, submitted):
    client_for(coordinator).post(URL, {"decision": "maybe"})
    assert status(submitted).status == Status.SUBMITTED


def test_review_permissions(access, personas, submitted):
    access.check(URL, REVIEW, methods=("post",), data={"decision": "validate"})
    # Only the coordinator of the region, then a national administrator, reviewed it.
    history = status(submitted).history.order_by("history_id")
    assert [(h.status, h.changed_by) for h in history] == [
        (Status.NOT_STARTED, None),
        (Status.VALIDATED, personas.coordinator),
        (Status.VALIDATED, personas.national),
    ]
