"""Permissions for every step 3 view: anonymous, outsiders, read-only roles, wrong methods."""

import html

import pytest

from communes.models import StepStatus
from tests.access_matrix import READ, WRITE

READ_VIEWS = [
    ("diagnostics:summary", None),
    ("diagnostics:sessions", None),
    ("diagnostics:session", "session"),
    ("diagnostics:findings", None),
    ("diagnostics:ideas", None),
    ("diagnostics:idea", "idea"),
]
WRITE_VIEWS = [
    ("diagnostics:session_create", None),
    ("diagnostics:session_edit", "session"),
    ("diagnostics:session_delete", "session"),
    ("diagnostics:figure_create", None),
    ("diagnostics:figure_edit", "figure"),
    ("diagnostics:figure_delete", "figure"),
    ("diagnostics:finding_create", None),
    ("diagnostics:finding_edit", "finding"),
    ("diagnostics:finding_delete", "finding"),
    ("diagnostics:idea_create", None),
    ("diagnostics:idea_edit", "idea"),
    ("diagnostics:idea_delete", "idea"),
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
    "diagnostics:summary": 'data-figure="participants">26<',
    "diagnostics:sessions": "Focus group 1",
    "diagnostics:session": "Focus group 1",
    "diagnostics:findings": "Unanswered need",
    "diagnostics:ideas": "Idea 1",
    "diagnostics:idea": "Idea 1",
    "diagnostics:session_create": "Enregistrer une séance de consultation",
    "diagnostics:session_edit": 'value="Focus group 1"',
    "diagnostics:session_delete": "Focus group 1",
    "diagnostics:figure_create": "Donnée du profil migratoire",
    "diagnostics:figure_edit": 'value="HCP"',
    "diagnostics:figure_delete": "MRE de retour",
    "diagnostics:finding_create": "Nouveau\u00a0: Constat",
    "diagnostics:finding_edit": 'value="Unanswered need"',
    "diagnostics:finding_delete": "Unanswered need",
    "diagnostics:idea_create": "Nouveau\u00a0: Idée de projet",
    "diagnostics:idea_edit": 'value="Idea 1"',
    "diagnostics:idea_delete": "Idea 1",
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
    page = client_for(editor).get(url("diagnostics:summary", cycle)).content.decode()
    assert "Enregistrer une séance" not in page
    assert url("diagnostics:finding_create", cycle) not in page
    assert "lecture seule" in page


def test_returned_step_is_editable_again(client_for, editor, cycle, diagnosis, url):
    StepStatus.objects.filter(cycle=cycle, step=3).update(status="returned")
    response = client_for(editor).get(url("diagnostics:session_create", cycle))
    assert response.status_code == 200
    assert "Enregistrer une séance de consultation" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("diagnostics:session", "session"),
        ("diagnostics:session_edit", "session"),
        ("diagnostics:idea", "idea"),
        ("diagnostics:finding_edit", "finding"),
        ("diagnostics:figure_edit", "figure"),
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
    page = client_for(editor).get(url("diagnostics:session_create", cycle))
    assert page.status_code == 403
    text = html.unescape(page.content.decode())
    assert "L'étape 3 est en lecture seule tant qu'elle est soumise ou validée." in text
    # A reader of the commune gets the general explanation, not the step's state.
    page = client_for(viewer).get(url("diagnostics:session_create", cycle))
    assert page.status_code == 403
    text = html.unescape(page.content.decode())
    assert "lecture seule" not in text
    assert "Vous pouvez consulter cette page" in text
