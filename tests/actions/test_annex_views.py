"""Download of the annex: who may, in which language, and what comes back."""

import pytest
from django.urls import reverse

from actions.annex import render
from tests.access_matrix import READ
from tests.actions.annex_support import reader

pytestmark = pytest.mark.storage


def url(language="fr", code="oujda", year=2022):
    return reverse("annex:pdf", kwargs={"code": code, "year": year, "language": language})


def status_url(code="oujda", year=2022):
    return reverse("annex:status", kwargs={"code": code, "year": year})


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
    # Built once (both languages), for the first reader let in; never for a refused one.
    assert sorted(fake_pdf) == ["ar", "fr"]
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
def test_a_download_serves_the_built_pdf_until_the_data_changes(
    client_for, editor, cycle, fake_pdf
):
    client = client_for(editor)
    # Nothing built yet: the download asks for both languages (built at once here; a worker
    # would build them), then serves the French one.
    assert client.get(url("fr")).getvalue() == b"%PDF-1.7 fake fr"
    assert fake_pdf == ["fr", "ar"]
    assert client.get(url("ar")).getvalue() == b"%PDF-1.7 fake ar"
    assert client.get(url("fr")).getvalue() == b"%PDF-1.7 fake fr"
    assert fake_pdf == ["fr", "ar"]  # served as built


@pytest.mark.django_db
def test_wrong_method_language_or_cycle(client_for, editor, cycle, fake_pdf):
    client = client_for(editor)
    assert client.post(url()).status_code == 405
    assert client.get(url("en")).status_code == 404
    assert client.get(url("xx")).status_code == 404
    assert client.get(url(year=2016)).status_code == 404
    assert client.get(url(code="no-such-commune")).status_code == 404
    assert client.get(url("en").replace(".pdf", "/previous.pdf")).status_code == 404
    assert client.post(status_url()).status_code == 405
    assert fake_pdf == []


@pytest.mark.django_db
def test_real_download_is_a_pdf_of_the_commune(client_for, viewer, annex_cycle, annex_media):
    response = client_for(viewer).get(url("fr"))
    assert response.status_code == 200
    doc = reader(response.getvalue())
    assert doc.metadata.title == "Annexe genre et migration du PAC - Oujda 2022-2027"
    assert "Commune d'Oujda" in doc.pages[0].extract_text()
