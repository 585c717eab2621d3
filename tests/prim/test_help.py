"""Help pages per step and per role, and the privacy notice (law 09-08), in French and Arabic."""

import pytest

pytestmark = pytest.mark.django_db


def test_help_index_lists_the_five_steps_and_the_roles_in_french(client):
    page = client.get("/help/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Qui fait quoi" in page
    for number in range(1, 6):
        assert f'href="/help/steps/{number}/"' in page
    assert "Coordinateur régional" in page
    assert "Administrateur national" in page


def test_step_help_says_what_the_step_is_for_and_what_the_coordinator_looks_at(client):
    page = client.get("/help/steps/3/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "À quoi sert l'étape" in page
    assert "Écouter la population, les migrants et leurs familles" in page
    assert "Le coordinateur vérifie que les migrants et les femmes ont été entendus" in page
    # Neighbouring steps are one click away.
    assert 'href="/help/steps/2/"' in page and 'href="/help/steps/4/"' in page


def test_step_help_in_arabic_is_right_to_left(client):
    page = client.get("/help/steps/5/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in page
    assert "بطاقة مشروع" in page
    assert "برنامج عمل الجماعة" in page


def test_unknown_step_has_no_help_page(client):
    assert client.get("/help/steps/6/").status_code == 404


def test_privacy_notice_is_public_and_names_the_law_and_retention(client):
    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "loi 09-08" in page
    assert "CNDP" in page
    assert "deux années qui suivent" in page
    arabic = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "القانون 09-08" in arabic


def test_every_page_links_help_and_privacy_in_its_footer(client):
    login = client.get("/login/").content.decode()
    assert 'href="/help/"' in login and 'href="/privacy/"' in login


def test_a_step_page_links_its_own_help(client, editor, cycle):
    client.force_login(editor)
    page = client.get(f"/communes/oujda/pac/{cycle.start_year}/awareness/").content.decode()
    assert 'href="/help/steps/1/"' in page
    assert "Aide\u00a0: ce que demande l'étape 1" in page


@pytest.mark.parametrize("path", ["/help/", "/help/steps/1/", "/privacy/"])
def test_help_pages_refuse_writes(client, path):
    assert client.post(path).status_code == 405


def test_a_printed_page_says_when_it_was_printed(client, editor, cycle):
    client.force_login(editor)
    page = client.get(f"/communes/oujda/pac/{cycle.start_year}/awareness/").content.decode()
    # Hidden on screen, shown on paper, beside the breadcrumb that names commune and period.
    assert '<p class="d-none d-print-block small text-body-secondary mb-2">' in page
    assert "PRIM Planner · Imprimé le" in page
