"""Who sees what: every foundation view, for every persona."""

import pytest
from django.urls import reverse

from communes.models import Commune, PlanningCycle, Region

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


@pytest.mark.parametrize(
    "url",
    ["/", "/regions/", "/regions/02/", "/communes/oujda/", "/communes/oujda/pac/2022/"],
)
def test_anonymous_is_sent_to_login(client, cycle, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_commune_page_outsider_gets_404(client_for, other_editor, other_coordinator, cycle):
    for outsider in (other_editor, other_coordinator):
        client = client_for(outsider)
        assert client.get("/communes/oujda/").status_code == 404
        assert client.get("/communes/oujda/pac/2022/").status_code == 404


def test_unknown_commune_and_cycle_are_404(client_for, editor, cycle):
    client = client_for(editor)
    assert client.get("/communes/atlantis/").status_code == 404
    assert client.get("/communes/oujda/pac/1999/").status_code == 404


def test_region_page_only_for_its_coordinator_and_national(client_for, personas):
    assert client_for(personas.coordinator).get("/regions/02/").status_code == 200
    assert client_for(personas.national).get("/regions/02/").status_code == 200
    for outsider in (personas.other_coordinator, personas.editor, personas.viewer):
        assert client_for(outsider).get("/regions/02/").status_code == 404


def test_viewer_cannot_open_a_cycle(client_for, viewer, coordinator, national):
    for reader in (viewer, coordinator, national):
        response = client_for(reader).post("/communes/oujda/pac/new/", {"start_year": 2022})
        assert response.status_code == 403
        assert "Accès refusé" in response.content.decode()
    assert not PlanningCycle.objects.filter(commune__code="oujda").exists()


def test_outsider_cannot_open_a_cycle(client_for, other_editor):
    response = client_for(other_editor).post("/communes/oujda/pac/new/", {"start_year": 2022})
    assert response.status_code == 404
    assert not PlanningCycle.objects.exists()


@pytest.mark.parametrize(
    "url,method",
    [
        ("/communes/oujda/pac/new/", "get"),
        ("/communes/oujda/", "post"),
        ("/regions/02/", "post"),
        ("/communes/oujda/pac/2022/steps/1/submit/", "get"),
    ],
)
def test_wrong_method_is_405(client_for, editor, national, cycle, url, method):
    user = national if url.startswith("/regions") else editor
    assert getattr(client_for(user), method)(url).status_code == 405


def test_step_submit_scoping(client_for, personas, cycle):
    url = "/communes/oujda/pac/2022/steps/1/submit/"
    assert client_for(personas.other_editor).post(url).status_code == 404
    assert client_for(personas.viewer).post(url).status_code == 403
    assert client_for(personas.coordinator).post(url).status_code == 403
