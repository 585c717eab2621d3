"""Story: a commune editor downloads the PAC annex in French and in Arabic; an outsider cannot."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader


def annex_url(live_server, language, code="oujda"):
    return f"{live_server.url}/communes/{code}/pac/2022/annex/{language}.pdf"


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def build_on_demand(settings):
    """Builds inside the request from now on; what loading the demo queued is dropped."""
    from communes.models import Job

    Job.objects.all().delete()
    settings.TASKS = IMMEDIATE


def download(page, live_server, language):
    """Download through the PAC page's "Download the annex (PDF)" button, once it is ready.

    Builds run inside the request here (the immediate task backend), as if a worker were
    instantly done; test_editor_downloads_annex_ready runs the real queue and worker.
    """
    page.goto(f"{live_server.url}/communes/oujda/pac/2022/plan/pac/")
    ready = page.locator(f"#annex-box [data-annex={language}][data-state=ready]")
    expect(ready).to_be_visible(timeout=30_000)
    button = ready.locator(f"a[href$='/annex/{language}.pdf']")
    expect(button).to_have_count(1)
    with page.expect_download() as info:
        button.click()
    return info.value


def test_editor_downloads_the_annex_in_french_and_arabic(
    page, live_server, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    login(page, "editor.oujda")
    build_on_demand(settings)

    french = download(page, live_server, "fr")
    assert french.suggested_filename == "annexe-pac-oujda-2022-2027-fr.pdf"
    doc = PdfReader(io.BytesIO(open(french.path(), "rb").read()))
    text = doc.pages[0].extract_text()  # the cover: what the document is, for which commune
    assert "Programme d'action de la commune (PAC) 2022-2027" in text
    assert "Commune d'Oujda" in text
    assert "وجدة" in text
    assert doc.metadata.title.startswith("Annexe genre et migration du PAC - Oujda")
    assert f"page 1 / {len(doc.pages)}" in text

    arabic = download(page, live_server, "ar")
    assert arabic.suggested_filename == "annexe-pac-oujda-2022-2027-ar.pdf"
    doc = PdfReader(io.BytesIO(open(arabic.path(), "rb").read()))
    assert "برنامج عمل الجماعة" in doc.pages[0].extract_text()
    assert doc.trailer["/Root"]["/Lang"] == "ar"

    # The PDF is kept until the commune's data changes: the next download is served as is.
    response = page.request.get(annex_url(live_server, "fr"))
    assert response.status == 200 and response.headers["x-annex-cache"] == "hit"


def test_an_editor_of_another_commune_gets_404(page, live_server, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(page, "editor.sidi-bibi")
    build_on_demand(settings)
    expect(page).to_have_url(re.compile(r"/communes/sidi-bibi/"))
    response = page.request.get(annex_url(live_server, "fr"))
    assert response.status == 404
    response = page.request.get(annex_url(live_server, "fr", code="sidi-bibi"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
