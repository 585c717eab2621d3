"""Review comments and reasons are typed text: a NUL character (which PostgreSQL refuses in
text) is dropped instead of failing the request, on both databases."""

import pytest

from communes.models import StepEvent, StepStatus
from tests.communes.test_review import complete, set_state, state, url  # noqa: F401

pytestmark = pytest.mark.django_db
Status = StepStatus.Status


def test_a_nul_in_a_return_comment_is_dropped(client_for, coordinator, complete):  # noqa: F811
    set_state(complete, 2, Status.SUBMITTED)
    response = client_for(coordinator).post(
        url(2, "review"), {"decision": "return", "comment": "Deux\x00 stagiaires manquent."}
    )
    assert response.status_code == 302
    assert state(complete, 2) == Status.RETURNED
    assert StepEvent.objects.filter(step=2).latest("at").comment == "Deux stagiaires manquent."


def test_a_nul_in_a_reopen_reason_is_dropped(client_for, coordinator, complete):  # noqa: F811
    set_state(complete, 2, Status.VALIDATED)
    response = client_for(coordinator).post(
        url(2, "reopen"), {"reason": "\x00Une feuille manque.", "to": Status.RETURNED}
    )
    assert response.status_code == 302
    assert state(complete, 2) == Status.RETURNED
    assert StepEvent.objects.filter(step=2).latest("at").comment == "Une feuille manque."
