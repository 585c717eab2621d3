"""Step 1 pages: who may do what, what the editor sees and saves, fixed query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communes import services
from communes.records import AudienceCategory, AwarenessSession, SessionAttendance
from tests.access_matrix import READ, WRITE
from tests.communes.test_awareness_models import make_session

pytestmark = pytest.mark.django_db


def grid_data(counts=None, **fields):
    """A POST of the session form with its attendance grid (every category, in order)."""
    counts = counts or {}
    data = {
        "date": "2022-09-15",
        "place": "Maison des associations",
        "format": "workshop",
        "facilitator": "Association Oujda Migration",
        "topics": ["gender", "migration"],
        "other_topic": "",
        "outcome": "Demande d'un guichet d'accueil.",
        "attendance-TOTAL_FORMS": str(len(AudienceCategory.values)),
        "attendance-INITIAL_FORMS": str(len(AudienceCategory.values)),
        "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for i, code in enumerate(AudienceCategory.values):
        women, men = counts.get(code, ("", ""))
        data[f"attendance-{i}-category"] = code
        data[f"attendance-{i}-women"] = str(women)
        data[f"attendance-{i}-men"] = str(men)
    return data


def url(name, cycle, **kwargs):
    return reverse(name, kwargs={"code": cycle.commune.code, "year": cycle.start_year, **kwargs})


# --- Permissions of every view --------------------------------------------------------------


def _views(session):
    return {
        # name: (kwargs, read-only view?, allowed methods)
        "communes:awareness_list": ({}, True, {"get"}),
        "communes:awareness_detail": ({"uuid": session.uuid}, True, {"get"}),
        "communes:awareness_create": ({}, False, {"get", "post"}),
        "communes:awareness_edit": ({"uuid": session.uuid}, False, {"get", "post"}),
        "communes:awareness_delete": ({"uuid": session.uuid}, False, {"get", "post"}),
    }


VIEW_NAMES = [
    "communes:awareness_list",
    "communes:awareness_detail",
    "communes:awareness_create",
    "communes:awareness_edit",
    "communes:awareness_delete",
]


# What each page shows the users it lets in (the session of ``make_session``).
SHOWS = {
    "communes:awareness_list": "Salle des délibérations",
    "communes:awareness_detail": "Équipe PRIM",
    "communes:awareness_create": "Nouvelle séance de sensibilisation",
    "communes:awareness_edit": 'value="Salle des délibérations"',
    "communes:awareness_delete": "<bdi>Salle des délibérations</bdi>",
}


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_access(access, cycle, name):
    kwargs, read_only, methods = _views(make_session(cycle))[name]
    access.check(
        url(name, cycle, **kwargs),
        READ if read_only else WRITE,
        methods=tuple(sorted(methods)),
        shows=SHOWS[name],
    )


def test_a_session_of_another_commune_is_404(client_for, editor, cycle, other_cycle):
    foreign = make_session(other_cycle)
    client = client_for(editor)
    # Right cycle in the address, a record of another commune: it does not exist here.
    assert client.get(url("communes:awareness_detail", cycle, uuid=foreign.uuid)).status_code == 404
    assert (
        client.post(url("communes:awareness_delete", cycle, uuid=foreign.uuid)).status_code == 404
    )
    assert AwarenessSession.objects.filter(pk=foreign.pk).exists()


def test_a_submitted_step_is_read_only_for_the_editor(client_for, editor, cycle):
    session = make_session(cycle, attendance={"elected": (1, 2)}, by=editor)
    services.step_submit(cycle=cycle, step=1, by=editor)
    client = client_for(editor)
    page = client.get(url("communes:awareness_detail", cycle, uuid=session.uuid))
    assert page.status_code == 200
    assert url("communes:awareness_edit", cycle, uuid=session.uuid) not in page.content.decode()
    assert client.get(url("communes:awareness_create", cycle)).status_code == 403
    assert (
        client.post(
            url("communes:awareness_edit", cycle, uuid=session.uuid), grid_data()
        ).status_code
        == 403
    )
    listing = client.get(url("communes:awareness_list", cycle)).content.decode()
    assert url("communes:awareness_create", cycle) not in listing


# --- The editor records a session -----------------------------------------------------------


def test_editor_records_a_session_with_its_grid(client_for, editor, cycle):
    client = client_for(editor)
    form = client.get(url("communes:awareness_create", cycle))
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="attendance-0-women"' in html and 'name="attendance-7-men"' in html

    response = client.post(
        url("communes:awareness_create", cycle),
        grid_data({"elected": (2, 6), "staff": (4, 3), "migrants": (5, 0)}),
    )
    session = AwarenessSession.objects.get(cycle=cycle)
    assert response.status_code == 302
    assert response.url == url("communes:awareness_detail", cycle, uuid=session.uuid)
    assert session.topics == ["gender", "migration"]
    assert dict(session.attendance.values_list("category", "women")) == {
        "elected": 2,
        "staff": 4,
        "migrants": 5,
    }
    detail = client.get(response.url).content.decode()
    assert "data-total>20<" in detail  # 11 women + 9 men, computed
    assert "55" in detail  # 11 of 20 are women
    assert cycle.steps.get(step=1).status == "in_progress"


@pytest.mark.parametrize(
    ("fields", "counts", "field", "message"),
    [
        ({}, {"elected": (-1, 2)}, "attendance-0-women", "greater than or equal to 0"),
        ({}, {"staff": ("deux", 2)}, "attendance-1-women", "whole number"),
        ({"date": "2099-01-01"}, {}, "date", "more than a year ahead"),
        ({"topics": ["other"]}, {}, "other_topic", "Say which other topic"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(
    client_for, editor, cycle, settings, fields, counts, field, message
):
    settings.LANGUAGE_CODE = "en"
    client = client_for(editor)
    client.cookies["prim_language"] = "en"
    response = client.post(url("communes:awareness_create", cycle), grid_data(counts, **fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}"' in html
    assert not AwarenessSession.objects.exists()
    assert not SessionAttendance.objects.exists()


def test_a_date_up_to_a_year_ahead_is_accepted(client_for, editor, cycle):
    soon = (timezone.localdate() + datetime.timedelta(days=300)).isoformat()
    response = client_for(editor).post(
        url("communes:awareness_create", cycle), grid_data(date=soon)
    )
    assert response.status_code == 302


def test_editing_updates_the_grid_and_keeps_history(client_for, editor, cycle):
    session = make_session(cycle, attendance={"elected": (2, 5)}, by=editor)
    client = client_for(editor)
    data = grid_data({"staff": (3, 3)}, loaded_version=str(session.version), place="Hôtel de ville")
    response = client.post(url("communes:awareness_edit", cycle, uuid=session.uuid), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.place == "Hôtel de ville"
    assert session.version == 2
    assert list(session.attendance.values_list("category", "women", "men")) == [("staff", 3, 3)]
    # History: who, when, which fields.
    latest = session.history.latest()
    assert latest.history_user == editor
    assert latest.history_type == "~"
    assert "place" in latest.diff_against(latest.prev_record).changed_fields
    staff_row = SessionAttendance.history.filter(category="staff").latest()
    assert staff_row.history_type == "+" and staff_row.history_user == editor
    removed = SessionAttendance.history.filter(category="elected", history_type="-").get()
    assert removed.history_user == editor


def test_two_tabs_the_second_save_is_told(client_for, editor, cycle):
    session = make_session(cycle, by=editor)
    client = client_for(editor)
    first = grid_data({"elected": (1, 1)}, loaded_version="1", place="Premier onglet")
    second = grid_data({"elected": (9, 9)}, loaded_version="1", place="Second onglet")
    assert (
        client.post(url("communes:awareness_edit", cycle, uuid=session.uuid), first).status_code
        == 302
    )
    response = client.post(url("communes:awareness_edit", cycle, uuid=session.uuid), second)
    assert response.status_code == 409
    session.refresh_from_db()
    assert session.place == "Premier onglet"
    assert list(session.attendance.values_list("women", "men")) == [(1, 1)]


def test_editor_deletes_a_session(client_for, editor, cycle):
    session = make_session(cycle, by=editor)
    client = client_for(editor)
    confirm = client.get(url("communes:awareness_delete", cycle, uuid=session.uuid))
    # The place typed by the user is isolated inside the translated sentence (bidi).
    assert "<bdi>Salle des délibérations</bdi>" in confirm.content.decode()
    response = client.post(url("communes:awareness_delete", cycle, uuid=session.uuid))
    assert response.status_code == 302
    assert not AwarenessSession.objects.exists()
    assert not SessionAttendance.objects.exists()
    deleted = AwarenessSession.history.filter(history_type="-").get()
    assert deleted.history_user == editor


# --- Fixed query counts ------------------------------------------------------------------------


def _fill(cycle, n):
    for i in range(n):
        make_session(
            cycle,
            attendance={"elected": (i, 1), "staff": (1, i)},
            date=datetime.date(2022, 1, 1) + datetime.timedelta(days=i),
        )


@pytest.mark.parametrize("sessions", [1, 30])
def test_list_runs_a_fixed_number_of_queries(
    client_for, editor, cycle, django_assert_num_queries, sessions
):
    _fill(cycle, sessions)
    client = client_for(editor)
    # session + user (2) + scope (1) + cycle (1) + step status (1) + the step's summary (1)
    # + count (1) + page of sessions with their sums (1) = 8.
    with django_assert_num_queries(8):
        response = client.get(url("communes:awareness_list", cycle))
    assert response.status_code == 200
    assert response.content.decode().count("/awareness/") >= min(sessions, 25)


@pytest.mark.parametrize("rows", [1, 8])
def test_detail_runs_a_fixed_number_of_queries(
    client_for, editor, cycle, django_assert_num_queries, rows
):
    session = make_session(
        cycle, attendance={code: (1, 1) for code in AudienceCategory.values[:rows]}
    )
    client = client_for(editor)
    # session + user (2) + scope (1) + cycle (1) + step status (1)
    # + session (1) + its attendance (1) + its attachments (1) = 8.
    with django_assert_num_queries(8):
        response = client.get(url("communes:awareness_detail", cycle, uuid=session.uuid))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Salle des délibérations" in page
    assert f"data-total>{2 * rows}<" in page  # one woman and one man in each category
