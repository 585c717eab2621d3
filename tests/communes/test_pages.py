"""What each role sees on its home and on the commune page."""

import pytest

from communes.models import PlanningCycle, StepStatus
from communes.steps import all_steps

pytestmark = pytest.mark.django_db


def test_each_role_lands_on_its_own_home(client_for, personas):
    assert client_for(personas.editor).get("/").url == "/communes/oujda/"
    assert client_for(personas.viewer).get("/").url == "/communes/oujda/"
    assert client_for(personas.coordinator).get("/").url == "/regions/02/"
    assert client_for(personas.national).get("/").url == "/regions/"


def test_user_without_role_is_told_so(client_for, db):
    from tests.factories import UserFactory

    page = client_for(UserFactory(username="nobody")).get("/").content.decode()
    assert "aucun rôle" in page


def test_commune_page_shows_cycle_and_five_steps_not_started(client_for, editor, cycle):
    response = client_for(editor).get("/communes/oujda/")
    page = response.content.decode()
    assert response.status_code == 200
    # The period is isolated left to right: "2027-2022" in Arabic text otherwise.
    assert 'Programme d\'action de la commune (PAC) <bdi dir="ltr">2022-2027</bdi>' in page
    for number, title in enumerate(
        [
            "Sensibilisation des acteurs territoriaux",
            "Formation des fonctionnaires",
            "Diagnostic participatif",
            "Appropriation et priorisation",
            "Intégration dans le PAC",
        ],
        start=1,
    ):
        assert f'data-step="{number}"' in page
        assert title in page
    assert page.count('data-status="not_started"') == 5
    assert 'value="0"' in page  # empty progress bars
    assert "Vous pouvez modifier" in page


def test_viewer_sees_the_same_page_read_only(client_for, viewer, cycle):
    page = client_for(viewer).get("/communes/oujda/").content.decode()
    assert 'Programme d\'action de la commune (PAC) <bdi dir="ltr">2022-2027</bdi>' in page
    assert "Lecture seule" in page
    assert "Ouvrir une nouvelle période du PAC" not in page


def test_commune_page_in_arabic_is_rtl(client, editor, cycle):
    from tests.conftest import MODEL_BACKEND

    client.force_login(editor, backend=MODEL_BACKEND)
    client.post("/language/", {"language": "ar", "next": "/communes/oujda/"})
    page = client.get("/communes/oujda/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "bootstrap.rtl.min.css" in page
    assert "وجدة" in page and "التشخيص التشاركي" in page


def test_region_page_lists_its_communes_with_trackers(client_for, coordinator, cycle):
    page = client_for(coordinator).get("/regions/02/").content.decode()
    for code in ("oujda", "nador", "berkane", "driouch"):
        assert f'data-commune="{code}"' in page
    assert 'data-commune="sidi-bibi"' not in page
    # Oujda has a cycle, so its row shows five steps; the others say they have none yet.
    assert page.count('data-status="not_started"') == 5
    assert page.count("Pas encore de période du PAC") == 3


def test_country_page_counts_by_region(client_for, national, cycle, other_cycle):
    page = client_for(national).get("/regions/").content.decode()
    assert page.count("data-region=") == 12
    response = client_for(national).get("/regions/")
    oriental = next(r for r in response.context["regions"] if r.code == "02")
    assert (oriental.n_communes, oriental.n_with_cycle) == (4, 1)


def test_country_search_finds_communes(client_for, national):
    page = client_for(national).get("/regions/", {"q": "bib"}).content.decode()
    assert 'data-commune="sidi-bibi"' in page
    assert 'data-commune="oujda"' not in page


def test_editor_opens_a_cycle(client_for, editor):
    response = client_for(editor).post("/communes/oujda/pac/new/", {"start_year": 2022})
    assert response.status_code == 302
    cycle = PlanningCycle.objects.get(commune__code="oujda")
    assert (cycle.start_year, cycle.end_year) == (2022, 2027)
    assert sorted(cycle.steps.values_list("step", "status")) == [
        (n, StepStatus.Status.NOT_STARTED) for n in range(1, 6)
    ]
    assert cycle.history.first().history_user == editor


@pytest.mark.parametrize("year", ["1990", "abc", "", "2099"])
def test_bad_year_is_refused_and_nothing_changes(client_for, editor, year):
    response = client_for(editor).post("/communes/oujda/pac/new/", {"start_year": year})
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not PlanningCycle.objects.exists()


def test_overlapping_cycle_is_refused(client_for, editor, cycle):
    response = client_for(editor).post("/communes/oujda/pac/new/", {"start_year": 2025})
    assert response.status_code == 400
    assert "chevauche le PAC 2022-2027" in response.content.decode()
    assert PlanningCycle.objects.count() == 1


def test_incomplete_step_cannot_be_submitted(client_for, editor, cycle):
    response = client_for(editor).post("/communes/oujda/pac/2022/steps/1/submit/", follow=True)
    assert "ne peut pas encore être soumise" in response.content.decode()
    assert cycle.steps.get(step=1).status == StepStatus.Status.NOT_STARTED


def test_registry_knows_five_steps():
    assert [s.number for s in all_steps()] == [1, 2, 3, 4, 5]
