"""Step 3, issue 11: a session inside the PAC period; "Count by age band" loses nothing."""

import pytest

from diagnostics.models import ConsultationSession, Participation

from .test_records import _grid, _session_data

pytestmark = pytest.mark.django_db


def test_a_consultation_before_the_pac_period_is_refused(client_for, editor, cycle, url):
    client = client_for(editor)
    address = url("diagnostics:session_create", cycle)
    grid, _codes = _grid(client, address)
    response = client.post(address, _session_data(date="2020-06-01", **grid))
    assert response.status_code == 400
    assert response.context["form"].errors["date"] == [
        "Cette date est en dehors de la période du PAC 2022-2027."
    ]
    assert not ConsultationSession.objects.exists()


def _typed(client, address):
    grid, codes = _grid(client, address)
    data = _session_data(title="Atelier des saisonnières", place="Douar Lazaret", **grid)
    data.update({"grid": "total", "grid-0-women_all": "12", "grid-0-men_all": "8"})
    return data, codes


def test_count_by_age_band_keeps_what_was_typed(client_for, editor, cycle, url):
    client = client_for(editor)
    address = url("diagnostics:session_create", cycle)
    data, _codes = _typed(client, address)
    response = client.post(address, {**data, "switch_grid": "age"})
    assert response.status_code == 200
    assert not ConsultationSession.objects.exists() and not Participation.objects.exists()
    html = response.content.decode()
    assert 'value="Atelier des saisonnières"' in html and 'value="Douar Lazaret"' in html
    assert response.context["grid"].by_age_band
    assert 'name="grid" value="age"' in html
    assert "Saisis sans tranche d'âge\u00a0: femmes 12, hommes 8." in html
    assert "invalid-feedback" not in html  # nothing refused: the user has not saved yet
    # The button is a submit button of the form (works without JavaScript), not a link.
    assert 'name="switch_grid" value="total"' in html and "?grid=" not in html


def test_back_to_totals_adds_up_the_age_bands(client_for, editor, cycle, url):
    client = client_for(editor)
    address = url("diagnostics:session_create", cycle)
    data, _codes = _typed(client, address)
    data = {k: v for k, v in data.items() if not k.endswith("_all")}
    data.update({"grid": "age", "grid-0-women_u18": "3", "grid-0-women_18_35": "4"})
    data.update({"grid-0-men_o60": "2"})
    response = client.post(address, {**data, "switch_grid": "total"})
    assert response.status_code == 200
    row = response.context["grid"].formset.forms[0]
    assert (row["women_all"].value(), row["men_all"].value()) == (7, 2)
    # Saving from there records the totals.
    saved = {**data, "grid": "total", "grid-0-women_all": "7", "grid-0-men_all": "2"}
    assert client.post(address, saved).status_code == 302
    assert Participation.objects.get().women == 7
