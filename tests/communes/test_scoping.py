"""Who sees what: every foundation view, for every persona."""

import pytest

from communes.models import Commune, PlanningCycle, Region
from tests.access_matrix import LOGIN, READ, WRITE

pytestmark = pytest.mark.django_db


def test_visible_communes_follow_roles(personas):
    def codes(user):
        return set(Commune.objects.visible_to(user).values_list("code", flat=True))

    assert codes(personas.editor) == {"oujda"}
    assert codes(personas.viewer) == {"oujda"}
    assert codes(personas.other_editor) == {"sidi-bibi"}
    assert codes(personas.coordinator) == {"oujda", "nador", "berkane", "driouch"}
    assert codes(personas.other_coordinator) == {"sidi-bibi", "ait-amira", "belfaa"}
    assert codes(personas.national) == set(Commune.objects.values_list("code", flat=True))


def test_visible_regions(personas):
    assert list(Region.objects.visible_to(personas.coordinator).values_list("code", flat=True)) == [
        "02"
    ]
    assert not Region.objects.visible_to(personas.editor).exists()
    assert Region.objects.visible_to(personas.national).count() == 12


def test_inactive_user_sees_nothing(editor):
    editor.is_active = False
    editor.save()
    assert not Commune.objects.visible_to(editor).exists()


@pytest.mark.parametrize("url", ["/", "/regions/"])
def test_anonymous_is_sent_to_login(access, url):
    access.check(url, {"anonymous": LOGIN})


@pytest.mark.parametrize("url", ["/communes/oujda/", "/communes/oujda/pac/2022/"])
def test_commune_and_cycle_pages_follow_the_territory(access, cycle, url):
    access.check(url, READ, shows='PAC) <bdi dir="ltr">2022-2027</bdi>')


def test_unknown_commune_and_cycle_are_404(client_for, editor, cycle):
    client = client_for(editor)
    assert client.get("/communes/atlantis/").status_code == 404
    assert client.get("/communes/oujda/pac/1999/").status_code == 404


def test_region_page_only_for_its_coordinator_and_national(access, cycle):
    access.check(
        "/regions/02/",
        READ,
        expect={"editor": 404, "viewer": 404, "province_reader": 404},
        shows='data-commune="oujda"',
    )


def test_only_the_editor_opens_a_cycle(access, editor):
    access.check("/communes/oujda/pac/new/", WRITE, methods=("post",), data={"start_year": 2022})
    (opened,) = PlanningCycle.objects.filter(commune__code="oujda")
    assert [h.history_user for h in opened.history.all()] == [editor]


def test_step_submit_scoping(access, cycle):
    access.check("/communes/oujda/pac/2022/steps/1/submit/", WRITE, methods=("post",))
