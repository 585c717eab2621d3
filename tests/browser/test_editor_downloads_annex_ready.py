"""Story: an editor changes an action; the PAC page says the annex is being prepared, a worker
builds it, the page updates itself, and the download is served at once (no build waited for).

The queue is django-tasks-db's and the worker its real ``db_worker`` command, run by the story
between the change and the download (as a worker running beside the web server would).
"""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.workers import run_worker, use_database_queue


@pytest.fixture
def queue(settings, tmp_path):
    """The database queue, set before the demo loads; what loading the demo queued is dropped."""
    use_database_queue(settings)
    settings.MEDIA_ROOT = tmp_path
    yield
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_editor_changes_an_action_then_downloads_the_annex_ready(
    queue, page, live_server, login, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    from communes.models import Job

    Job.objects.all().delete()
    DBTaskResult.objects.all().delete()
    login(page, "editor.oujda")
    pac = f"{live_server.url}/communes/oujda/pac/2022/plan/pac/"

    # 1. The editor renames an action through its form.
    from actions.models import PacAction

    action = PacAction.objects.filter(cycle__commune__code="oujda").order_by("number").first()
    page.goto(f"{live_server.url}/communes/oujda/pac/2022/plan/actions/{action.uuid}/edit/")
    page.locator("#id_title").fill("Cellule d'accueil des MRE, renommée")
    page.get_by_role("button", name="Enregistrer la fiche action").click()
    expect(page.get_by_text("Cellule d'accueil des MRE, renommée").first).to_be_visible()

    # 2. The PAC page says the annex is being prepared (the save queued both languages).
    page.goto(pac)
    box = page.locator("#annex-box")
    expect(box.locator("[data-annex=fr][data-state=preparing]")).to_be_visible()
    expect(box).to_contain_text("L'annexe en français est en cours de préparation")
    assert set(Job.objects.values_list("state", flat=True)) == {"queued"}

    # 3. A worker builds them; the box updates itself (htmx), without a reload.
    run_worker(monkeypatch)
    expect(box.locator("[data-annex=fr][data-state=ready]")).to_be_visible(timeout=15_000)
    expect(box.locator("[data-annex=ar][data-state=ready]")).to_be_visible()
    expect(box).to_contain_text("À jour, préparée le")

    # 4. The download is the built PDF, served as it is: no redirect, no build.
    response = page.request.get(
        f"{live_server.url}/communes/oujda/pac/2022/annex/fr.pdf", max_redirects=0
    )
    assert response.status == 200 and response.headers["x-annex-cache"] == "hit"
    with page.expect_download() as info:
        box.get_by_role("link", name="Télécharger l'annexe (PDF, français)").click()
    download = info.value
    assert download.suggested_filename == "annexe-pac-oujda-2022-2027-fr.pdf"
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(open(download.path(), "rb").read())).pages
    )
    assert "Cellule d'accueil des MRE, renommée" in text
