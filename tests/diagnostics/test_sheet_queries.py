"""Exports read a fixed number of queries whatever the number of rows (pinned at two sizes)."""

import pytest
from django.urls import reverse

from communes.models import SessionAttendance, Trainee
from diagnostics.models import ConsultationSession
from tests.actions.conftest import build_ideas, decide, make_action
from tests.factories import AwarenessSessionFactory, ParticipationFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def fill(cycle, size):
    ideas = build_ideas(cycle, size)  # consultation sessions, findings and ideas, one each
    for session in ConsultationSession.objects.filter(cycle=cycle):
        ParticipationFactory(session=session)
    decide(ideas)
    for idea in ideas:
        make_action(cycle, [idea])
    for _i in range(size):
        session = AwarenessSessionFactory(cycle=cycle)
        SessionAttendance.objects.get_or_create(session=session, category="staff")
    training = TrainingFactory(cycle=cycle)
    for i in range(size):
        Trainee.objects.create(training=training, name=f"P{i}", sex="f", days_attended=1)


# Base of every export: session, user, memberships, cycle with territory, step status (5);
# then the rows and what they show (prefetches), the same for 2 or 12 rows.
QUERIES = {
    "findings": 5 + 2,  # findings with their sectors + groups
    "ideas": 5 + 3,  # ideas with sectors + findings + target groups
    "actions": 5 + 7,  # actions with sectors + ideas, SNIA, SNMRE, groups, financing, costs
    "awareness": 5 + 2,  # sessions + attendance
    "consultations": 5 + 4,  # the grid's groups + sessions + participations + their groups
    "trainees": 5 + 1,  # trainees with their training
}


@pytest.mark.parametrize("kind", sorted(QUERIES))
@pytest.mark.parametrize("size", [2, 12])
def test_export_queries_do_not_grow_with_rows(
    client_for, editor, cycle, django_assert_num_queries, kind, size
):
    fill(cycle, size)
    client = client_for(editor)
    url = reverse("communes:sheet_export_csv", args=["oujda", 2022, kind])
    client.get(url)
    with django_assert_num_queries(QUERIES[kind]):
        response = client.get(url)
    assert len(response.content.decode("utf-8-sig").strip().splitlines()) >= size + 1
