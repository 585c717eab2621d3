"""One submission, one record: every create form carries a one-time token (issue 11).

The same form sent twice (a double click on a slow link, the browser's back button then
save) creates one record; the second submission lands on the record the first created.
"""

import re
import uuid

import pytest
from django.urls import reverse

from actions.models import PacAction
from communes.models import FormToken
from communes.records import AwarenessSession, Training
from diagnostics.models import ConsultationSession, Finding, MigrationFigure, ProjectIdea
from tests.actions.conftest import build_ideas, decide
from tests.communes.test_awareness_views import grid_data
from tests.communes.test_training_views import PEOPLE, training_data

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')


def _url(name, cycle):
    return reverse(name, args=[cycle.commune.code, cycle.start_year])


def _token(client, address) -> str:
    """The token the create form was issued with (hidden in the page, no JavaScript)."""
    match = TOKEN.search(client.get(address).content.decode())
    assert match, "the create form carries a one-time token"
    return match.group(1)


def _sent_twice(client, address, data):
    data = {**data, "submission_token": _token(client, address)}
    first = client.post(address, data)
    second = client.post(address, data)
    assert first.status_code == 302, getattr(first, "context", None) and first.context.get("form")
    assert second.status_code == 302 and second.url == first.url
    return first, client.get(second.url)


def _diagnosis_forms(cycle, sectors):
    finding = Finding.objects.create(
        cycle=cycle, number=1, title="Accès à l'état civil", sector=sectors[0], severity=2
    )
    sector = str(sectors[0].pk)
    return {
        "diagnostics:session_create": (
            ConsultationSession,
            {
                "title": "Focus group femmes",
                "kind": "focus_group",
                "date": "2022-11-20",
                "place": "Lazaret",
                "languages": ["darija"],
                "notes": "",
                "grid-TOTAL_FORMS": "0",
                "grid-INITIAL_FORMS": "0",
            },
        ),
        "diagnostics:finding_create": (
            Finding,
            {"title": "Pas de guichet", "sector": sector, "severity": "2"},
        ),
        "diagnostics:idea_create": (
            ProjectIdea,
            {"title": "Un guichet", "sector": sector, "findings": [str(finding.pk)]},
        ),
        "diagnostics:figure_create": (
            MigrationFigure,
            {"indicator": "mre", "total": "1200", "source": "RGPH 2014", "year": "2014"},
        ),
    }


@pytest.mark.parametrize(
    ("name", "model", "data"),
    [
        ("communes:awareness_create", AwarenessSession, grid_data({"elected": (2, 5)})),
        ("communes:training_create", Training, training_data(PEOPLE[:2])),
    ],
)
def test_steps_1_2_sent_twice_make_one_record(client_for, editor, cycle, name, model, data):
    client = client_for(editor)
    _first, page = _sent_twice(client, _url(name, cycle), data)
    assert model.objects.count() == 1
    assert "avait déjà été enregistré" in page.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "diagnostics:session_create",
        "diagnostics:finding_create",
        "diagnostics:idea_create",
        "diagnostics:figure_create",
    ],
)
def test_step_3_sent_twice_makes_one_record(client_for, editor, cycle, name):
    from diagnostics.models import Sector
    from tests.diagnostics.test_records import _grid

    model, data = _diagnosis_forms(cycle, list(Sector.objects.all()[:1]))[name]
    client = client_for(editor)
    if name == "diagnostics:session_create":
        data.update(_grid(client, _url(name, cycle))[0])
    before = model.objects.count()
    _sent_twice(client, _url(name, cycle), data)
    assert model.objects.count() == before + 1


def test_an_action_sheet_sent_twice_makes_one_action(client_for, editor, cycle):
    from tests.actions.test_views import _sheet

    (idea,) = build_ideas(cycle, 1)
    decide([idea])
    data = _sheet([idea.pk], sector=idea.sector_id)
    _sent_twice(client_for(editor), _url("actions:action_create", cycle), data)
    assert PacAction.objects.count() == 1


def test_a_refused_form_keeps_its_token_for_the_corrected_save(client_for, editor, cycle):
    client = client_for(editor)
    address = _url("communes:awareness_create", cycle)
    token = _token(client, address)
    refused = client.post(address, {**grid_data(place=""), "submission_token": token})
    assert refused.status_code == 400 and token in refused.content.decode()
    assert not FormToken.objects.exists()  # rolled back with the refused save
    saved = client.post(address, {**grid_data(), "submission_token": token})
    assert saved.status_code == 302 and AwarenessSession.objects.count() == 1


def test_each_opening_of_the_form_is_a_new_record(client_for, editor, cycle):
    client = client_for(editor)
    address = _url("communes:awareness_create", cycle)
    for _ in range(2):
        client.post(address, {**grid_data(), "submission_token": _token(client, address)})
    assert AwarenessSession.objects.count() == 2


def test_someone_elses_token_is_not_a_way_to_their_record(client_for, editor, cycle, oujda):
    from communes.models import Membership, Role
    from tests.factories import UserFactory

    colleague = UserFactory(username="editor2.oujda")
    Membership.objects.create(user=colleague, role=Role.EDITOR, commune=oujda)
    address = _url("communes:awareness_create", cycle)
    token = str(uuid.uuid4())
    client_for(editor).post(address, {**grid_data(), "submission_token": token})
    response = client_for(colleague).post(address, {**grid_data(), "submission_token": token})
    assert response.status_code == 302
    assert AwarenessSession.objects.count() == 2  # theirs is their own record


def test_two_submissions_racing_make_one_record(client_for, editor, cycle, monkeypatch):
    """The second of two simultaneous submissions looked before the first committed: its own
    save is rolled back when the token turns out to be used, and it lands on the first record."""
    from communes import once

    client = client_for(editor)
    address = _url("communes:awareness_create", cycle)
    data = {**grid_data(), "submission_token": _token(client, address)}
    first = client.post(address, data)
    looked = []
    real = once._earlier

    def not_committed_yet(token):
        looked.append(token)
        return None if len(looked) == 1 else real(token)

    monkeypatch.setattr(once, "_earlier", not_committed_yet)
    second = client.post(address, data)
    assert len(looked) == 2  # the first look saw nothing, the second found the first save
    assert second.status_code == 302 and second.url == first.url
    assert AwarenessSession.objects.count() == 1
    assert FormToken.objects.count() == 1
