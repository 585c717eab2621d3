"""load_demo and export_dossier."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from communes.models import Membership, PlanningCycle, User

pytestmark = pytest.mark.django_db


def _load():
    out = io.StringIO()
    call_command("load_demo", allow_production=True, stdout=out)
    return out.getvalue()


def test_load_demo_creates_the_accounts_and_cycles_once():
    output = _load()
    assert "prim-demo-2026" in output and "editor.oujda" in output
    counts = (User.objects.count(), Membership.objects.count(), PlanningCycle.objects.count())
    assert counts[0] == 1 + 2 + 14 + 1  # admin, coordinators, commune users, province reader
    assert counts[2] == 7
    assert set(PlanningCycle.objects.values_list("start_year", "end_year")) == {(2022, 2027)}
    _load()
    assert (User.objects.count(), Membership.objects.count(), PlanningCycle.objects.count()) == (
        counts
    )


def test_demo_logins_work(client):
    _load()
    for username, home in [
        ("admin", "/regions/"),
        ("coord.souss", "/regions/09/"),
        ("editor.belfaa", "/communes/belfaa/"),
        ("viewer.nador", "/communes/nador/"),
        ("province.oujda", "/provinces/oujda-angad/"),
    ]:
        client.logout()
        response = client.post("/login/", {"username": username, "password": "prim-demo-2026"})
        assert response.status_code == 302, username
        assert client.get("/").url == home


def test_load_demo_refuses_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published password"):
        call_command("load_demo", stdout=io.StringIO())


def test_export_dossier_writes_the_commune_as_json(cycle):
    out = io.StringIO()
    call_command("export_dossier", "oujda", stdout=out)
    dossier = json.loads(out.getvalue())
    assert dossier["format"] == "prim-dossier" and dossier["version"] == 2
    assert dossier["commune"]["name_ar"] == "وجدة"
    assert dossier["commune"]["region"]["code"] == "02"
    assert dossier["commune"]["province"]["kind"] == "prefecture"
    [exported] = dossier["cycles"]
    assert (exported["start_year"], exported["end_year"]) == (2022, 2027)
    assert [s["number"] for s in exported["steps"]] == [1, 2, 3, 4, 5]
    assert {s["status"] for s in exported["steps"]} == {"not_started"}
    assert exported["steps"][2]["title"] == "Participatory diagnosis"


def test_export_dossier_unknown_commune():
    with pytest.raises(CommandError, match="No commune"):
        call_command("export_dossier", "atlantis", stdout=io.StringIO())
