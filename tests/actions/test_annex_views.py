"""Download of the annex: who may, in which language, and what comes back."""

import pytest
from django.urls import reverse

from actions.annex import render
from tests.access_matrix import READ
from tests.actions.annex_support import reader


def url(language="fr", code="oujda", year=2022):
    return reverse("pac_annex", kwargs={"code": code, "year": year, "language": language})


@pytest.fixture
def fake_pdf(monkeypatch, annex_media):
    """Permission tests need no real rendering: a stand-in PDF, with its calls counted."""
    calls = []

    def fake(data, language):
        calls.append(language)
        return b"%PDF-1.7 fake " + language.encode()

    monkeypatch.setattr(render, "render_annex", fake)
    return calls


@pytest.mark.django_db
def test_url_is_stable():
    assert url("ar") == "/communes/oujda/pac/2022/annex/ar.pdf"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_any_reader_of_the_commune_downloads_it(access, cycle, fake_pdf, language):
    pdf = b"%PDF-1.7 fake " + language.encode()
    seen = access.check(url(language), READ, shows=pdf)
    # Built once, for the first reader let in; the others get it from the cache.
    assert fake_pdf == [language]
    for who in ("editor", "viewer", "coordinator", "national"):
        response = seen[who, "get"]
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f'attachment; filename="annexe-pac-oujda-2022-2027-{language}.pdf"'
        )
        assert response["Content-Language"] == language
        assert "no-store" in response["Cache-Control"]
        assert response.body == pdf


@pytest.mark.django_db
def test_second_download_comes_from_the_cache(client_for, editor, cycle, fake_pdf):
    client = client_for(editor)
    assert client.get(url())["X-Annex-Cache"] == "miss"
    assert client.get(url())["X-Annex-Cache"] == "hit"
    assert fake_pdf == ["fr"]


@pytest.mark.django_db
def test_a_fresh_build_prepares_the_other_language(
    client_for, editor, cycle, fake_pdf, settings, monkeypatch
):
    settings.ANNEX_PREPARE_OTHER_LANGUAGES = True
    prepared = []
    monkeypatch.setattr(
        render, "prepare_in_background", lambda data, languages: prepared.append(languages)
    )
    client = client_for(editor)
    assert client.get(url("fr"))["X-Annex-Cache"] == "miss"
    assert prepared == [["ar"]]
    # From the cache: nothing changed, nothing to prepare.
    assert client.get(url("fr"))["X-Annex-Cache"] == "hit"
    assert prepared == [["ar"]]

    settings.ANNEX_PREPARE_OTHER_LANGUAGES = False
    assert client.get(url("ar"))["X-Annex-Cache"] == "miss"
    assert prepared == [["ar"]]


@pytest.mark.django_db
def test_wrong_method_language_or_cycle(client_for, editor, cycle, fake_pdf):
    client = client_for(editor)
    assert client.post(url()).status_code == 405
    assert client.get(url("en")).status_code == 404
    assert client.get(url("xx")).status_code == 404
    assert client.get(url(year=2016)).status_code == 404
    assert client.get(url(code="no-such-commune")).status_code == 404
    assert fake_pdf == []


@pytest.mark.django_db
def test_real_download_is_a_pdf_of_the_commune(client_for, viewer, annex_cycle, annex_media):
    response = client_for(viewer).get(url("fr"))
    assert response.status_code == 200
    doc = reader(response.content)
    assert doc.metadata.title == "Annexe genre et migration du PAC - Oujda 2022-2027"
    assert "Commune d'Oujda" in doc.pages[0].extract_text()
