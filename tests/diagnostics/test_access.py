"""Permissions for every step 3 view: anonymous, outsiders, read-only roles, wrong methods."""

import html

import pytest

from communes.models import StepStatus
from tests.access_matrix import READ, WRITE

READ_VIEWS = [
    ("diagnosis", None),
    ("diagnosis_sessions", None),
    ("diagnosis_session", "session"),
    ("diagnosis_findings", None),
    ("diagnosis_ideas", None),
    ("diagnosis_idea", "idea"),
]
WRITE_VIEWS = [
    ("diagnosis_session_create", None),
    ("diagnosis_session_edit", "session"),
    ("diagnosis_session_delete", "session"),
    ("diagnosis_figure_create", None),
    ("diagnosis_figure_edit", "figure"),
    ("diagnosis_figure_delete", "figure"),
    ("diagnosis_finding_create", None),
    ("diagnosis_finding_edit", "finding"),
    ("diagnosis_finding_delete", "finding"),
    ("diagnosis_idea_create", None),
    ("diagnosis_idea_edit", "idea"),
    ("diagnosis_idea_delete", "idea"),
]
ALL_VIEWS = READ_VIEWS + WRITE_VIEWS


@pytest.fixture
def records(diagnosis, cycle):
    return {
        "session": diagnosis["sessions"][0].uuid,
        "finding": diagnosis["lonely"].uuid,
        "idea": diagnosis["ideas"][0].uuid,
        "figure": cycle.migration_figures.get().uuid,
    }


def _address(url, cycle, records, name, kind):
    return url(name, cycle, records[kind]) if kind else url(name, cycle)


# What each page shows the users it lets in (records of the ``diagnosis`` fixture).
SHOWS = {
    "diagnosis": 'data-figure="participants">26<',
    "diagnosis_sessions": "Focus group 1",
    "diagnosis_session": "Focus group 1",
    "diagnosis_findings": "Unanswered need",
    "diagnosis_ideas": "Idea 1",
    "diagnosis_idea": "Idea 1",
    "diagnosis_session_create": "Enregistrer une séance de consultation",
    "diagnosis_session_edit": 'value="Focus group 1"',
    "diagnosis_session_delete": "Focus group 1",
    "diagnosis_figure_create": "Donnée du profil migratoire",
    "diagnosis_figure_edit": 'value="HCP"',
    "diagnosis_figure_delete": "MRE de retour",
    "diagnosis_finding_create": "Nouveau\u00a0: Constat",
    "diagnosis_finding_edit": 'value="Unanswered need"',
    "diagnosis_finding_delete": "Unanswered need",
    "diagnosis_idea_create": "Nouveau\u00a0: Idée de projet",
    "diagnosis_idea_edit": 'value="Idea 1"',
    "diagnosis_idea_delete": "Idea 1",
}


@pytest.mark.parametrize(("name", "kind"), READ_VIEWS)
def test_read_views_access(access, cycle, records, url, name, kind):
    access.check(_address(url, cycle, records, name, kind), READ, shows=SHOWS[name])


@pytest.mark.parametrize(("name", "kind"), WRITE_VIEWS)
def test_write_views_access(access, cycle, records, url, name, kind):
    address = _address(url, cycle, records, name, kind)
    access.check(address, WRITE, methods=("get", "post"), shows=SHOWS[name])


@pytest.mark.parametrize(("name", "kind"), WRITE_VIEWS)
@pytest.mark.parametrize("status", ["submitted", "validated"])
def test_locked_step_is_read_only_for_the_editor(
    client_for, editor, cycle, records, url, name, kind, status
):
    StepStatus.objects.filter(cycle=cycle, step=3).update(status=status)
    client = client_for(editor)
    assert client.get(_address(url, cycle, records, name, kind)).status_code == 403
    assert client.post(_address(url, cycle, records, name, kind)).status_code == 403


def test_locked_step_shows_no_edit_buttons(client_for, editor, cycle, diagnosis, url):
    StepStatus.objects.filter(cycle=cycle, step=3).update(status="submitted")
    page = client_for(editor).get(url("diagnosis", cycle)).content.decode()
    assert "Enregistrer une séance" not in page
    assert url("diagnosis_finding_create", cycle) not in page
    assert "lecture seule" in page


def test_returned_step_is_editable_again(client_for, editor, cycle, diagnosis, url):
    StepStatus.objects.filter(cycle=cycle, step=3).update(status="returned")
    response = client_for(editor).get(url("diagnosis_session_create", cycle))
    assert response.status_code == 200
    assert "Enregistrer une séance de consultation" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("diagnosis_session", "session"),
        ("diagnosis_session_edit", "session"),
        ("diagnosis_idea", "idea"),
        ("diagnosis_finding_edit", "finding"),
        ("diagnosis_figure_edit", "figure"),
    ],
)
def test_record_of_another_commune_is_404(
    client_for, personas, cycle, other_cycle, groups, sectors, url, name, kind
):
    from diagnostics.models import MigrationFigure
    from tests.diagnostics.conftest import build_diagnosis

    theirs = build_diagnosis(other_cycle, 1, groups=groups, sectors=sectors)
    figure = MigrationFigure.objects.create(
        cycle=other_cycle, indicator="immigrants", total=5, source="x", year=2020
    )
    records = {
        "session": theirs["sessions"][0].uuid,
        "idea": theirs["ideas"][0].uuid,
        "finding": theirs["findings"][0].uuid,
        "figure": figure.uuid,
    }
    # Oujda's editor asks for a Sidi Bibi record under Oujda's address.
    response = client_for(personas.editor).get(url(name, cycle, records[kind]))
    assert response.status_code == 404


def test_the_403_page_says_why_the_editor_may_not_write(client_for, editor, viewer, cycle, url):
    StepStatus.objects.filter(cycle=cycle, step=3).update(status="submitted")
    page = client_for(editor).get(url("diagnosis_session_create", cycle))
    assert page.status_code == 403
    text = html.unescape(page.content.decode())
    assert "L'étape 3 est en lecture seule tant qu'elle est soumise ou validée." in text
    # A reader of the commune gets the general explanation, not the step's state.
    page = client_for(viewer).get(url("diagnosis_session_create", cycle))
    assert page.status_code == 403
    text = html.unescape(page.content.decode())
    assert "lecture seule" not in text
    assert "Vous pouvez consulter cette page" in text
