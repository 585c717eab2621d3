"""The annex prepared ahead: changes queue builds (coalesced), a real worker builds them, the PAC
page says "being prepared" meanwhile and offers the previous version, a killed worker leaves
nothing half-written served and its build is retried. The queue is django-tasks-db's, the worker
its ``db_worker`` command (SQLite, or PostgreSQL with DATABASE_URL)."""

import os

import pytest
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from actions import models as am
from actions.annex import render
from actions.annex.data import gather_annex
from actions.annex.sample import build_sample_cycle
from communes.models import Job
from tests.actions.annex_support import load_cycle
from tests.files import stored_names
from tests.workers import run_worker, use_database_queue

STATUS = "/communes/oujda/pac/2022/annex/"
HTMX = {"HTTP_HX_REQUEST": "true"}
FOLDER = "communes.storage.AtomicFileSystemStorage"


@pytest.fixture
def builds(settings, media, monkeypatch):
    """The database queue, an empty store, and WeasyPrint replaced by a counted stand-in that
    prints the action titles (so a PDF says which data it was built from)."""
    use_database_queue(settings)
    calls = []

    def fake(data, language):
        calls.append(language)
        titles = ",".join(str(action["title"]) for action in data.actions)
        return f"%PDF-{language} {titles}".encode()

    monkeypatch.setattr(render, "render_annex", fake)
    return calls


@pytest.fixture
def action(cycle):
    return build_sample_cycle(cycle, n_actions=1)[0]


def edit(action, title, capture):
    """One saved change, committed (its on-commit callbacks run)."""
    with capture(execute=True):
        action.title = title
        action.save()


def download(client, language="fr"):
    return client.get(reverse("annex:pdf", args=["oujda", 2022, language]))


@pytest.mark.storage
@pytest.mark.django_db
def test_ten_changes_give_one_build_per_language_of_the_latest_data(
    builds, action, cycle, monkeypatch, django_capture_on_commit_callbacks, client_for, viewer
):
    for n in range(10):
        edit(action, f"Cellule {n}", django_capture_on_commit_callbacks)
    assert DBTaskResult.objects.count() == 2  # one per language, however many changes
    assert sorted(Job.objects.values_list("key", "state")) == [
        (f"annex:{cycle.pk}:ar", "queued"),
        (f"annex:{cycle.pk}:fr", "queued"),
    ]
    run_worker(monkeypatch)
    assert sorted(builds) == ["ar", "fr"]
    assert set(Job.objects.values_list("state", flat=True)) == {"done"}
    response = download(client_for(viewer))
    assert response.getvalue() == b"%PDF-fr Cellule 9"
    # The worker ran again with nothing new: the data's fingerprint says the PDF is up to date.
    edit(action, "Cellule 9", django_capture_on_commit_callbacks)
    run_worker(monkeypatch)
    assert sorted(builds) == ["ar", "fr"]


@pytest.mark.storage
@pytest.mark.django_db
def test_changes_from_every_step_and_list_reach_the_cycle(
    builds, action, cycle, django_capture_on_commit_callbacks
):
    """A cost (two foreign keys from the cycle), a many-to-many set, the commune's name: each
    queues this cycle; a rolled-back change queues nothing."""
    with pytest.raises(RuntimeError), transaction.atomic():
        action.costs.update_or_create(year=2024, defaults={"amount": 5})
        raise RuntimeError("the form was invalid after all")
    assert not Job.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        cost = action.costs.first()
        cost.amount = 12
        cost.save()
    assert Job.objects.filter(key=f"annex:{cycle.pk}:fr").exists()
    Job.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        action.snmre_objectives.clear()
    assert Job.objects.count() == 2
    Job.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        cycle.commune.name_fr = "Oujda la belle"
        cycle.commune.save()
    assert Job.objects.count() == 2
    Job.objects.all().delete()
    # A reference list prints in every annex: one national job, which fans out in the worker.
    with django_capture_on_commit_callbacks(execute=True):
        objective = am.SnmreObjective.objects.first()
        objective.name_fr += " (révisé)"
        objective.save()
    assert list(Job.objects.values_list("key", flat=True)) == ["annex:national"]


@pytest.mark.storage
@pytest.mark.django_db
def test_the_page_says_being_prepared_then_updates_itself(
    builds, action, cycle, monkeypatch, django_capture_on_commit_callbacks, client_for, viewer
):
    client = client_for(viewer)
    first_title = action.title
    # The PAC page draws plain links and asks htmx for the box at once.
    page = client.get("/communes/oujda/pac/2022/plan/pac/").content.decode()
    assert f'hx-get="{STATUS}" hx-trigger="load"' in page
    assert 'href="/communes/oujda/pac/2022/annex/fr.pdf"' in page

    # Nothing built yet: asking is enough to queue both languages; the box polls.
    box = client.get(STATUS, **HTMX).content.decode()
    assert box.count('data-state="preparing"') == 2
    assert (
        "L'annexe en français est en cours de préparation avec les dernières modifications." in box
    )
    assert f'hx-get="{STATUS}" hx-trigger="every 3s"' in box
    assert "Version précédente" not in box
    # Without JavaScript: the download link leads to the same news on a full page.
    response = download(client)
    assert response.status_code == 303 and response.url == STATUS
    full = client.get(STATUS).content.decode()
    assert "en cours de préparation" in full
    assert f'<a href="{STATUS}">Vérifier à nouveau</a>' in full

    run_worker(monkeypatch)
    box = client.get(STATUS, **HTMX).content.decode()
    assert box.count('data-state="ready"') == 2 and "hx-trigger" not in box
    assert "À jour, préparée le" in box
    assert download(client).getvalue() == f"%PDF-fr {first_title}".encode()

    # A change: the box says so at once and offers the previous PDF, dated, not up to date.
    edit(action, "Cellule renommée", django_capture_on_commit_callbacks)
    box = client.get(STATUS, **HTMX).content.decode()
    assert box.count('data-state="preparing"') == 2
    assert "Version précédente du" in box and "(pas à jour)" in box
    assert download(client).status_code == 303
    previous = client.get("/communes/oujda/pac/2022/annex/fr/previous.pdf")
    assert previous.getvalue() == f"%PDF-fr {first_title}".encode()
    assert previous["Content-Disposition"].startswith(
        'attachment; filename="annexe-pac-oujda-2022-2027-fr-20'
    )
    run_worker(monkeypatch)
    box = client.get(STATUS, **HTMX).content.decode()
    assert box.count('data-state="ready"') == 2 and "Version précédente" not in box
    assert download(client).getvalue() == "%PDF-fr Cellule renommée".encode()


@pytest.mark.django_db
def test_a_killed_worker_leaves_nothing_half_written_served_and_its_build_is_retried(
    builds, action, cycle, monkeypatch, settings, client_for, viewer
):
    """The worker dies while writing the PDF (after the temporary file, before the rename).

    A local folder's case (communes.storage.AtomicFileSystemStorage): an object store and the
    memory store write a file whole or not at all by themselves."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": FOLDER}}
    real_fsync = os.fsync

    def killed(fd):
        raise KeyboardInterrupt  # what SIGKILL would leave: no error recorded by the job

    monkeypatch.setattr(os, "fsync", killed)
    client = client_for(viewer)
    first_title = action.title
    client.get(STATUS, **HTMX)  # queues both languages
    run_worker(monkeypatch)
    folder = f"annex-cache/{cycle.uuid}"
    leftovers = [name.rsplit("/", 1)[1] for name in stored_names(folder)]
    assert len(leftovers) == 2 and all(name.startswith(".tmp-") for name in leftovers)
    assert set(Job.objects.values_list("state", "attempts")) == {("running", 1)}
    # Never served: the download still says "being prepared".
    assert download(client).status_code == 303
    box = client.get(STATUS, **HTMX).content.decode()
    assert box.count('data-state="preparing"') == 2

    # Past the lease without a sign of life, the page that waits queues the builds again.
    monkeypatch.setattr(os, "fsync", real_fsync)
    settings.JOBS_LEASE_SECONDS = 0
    box = client.get(STATUS, **HTMX).content.decode()
    assert set(Job.objects.values_list("state", "attempts")) == {("queued", 1)}
    assert "stopped during attempt 1" in Job.objects.first().error
    settings.JOBS_LEASE_SECONDS = 300
    run_worker(monkeypatch)
    assert set(Job.objects.values_list("state", flat=True)) == {"done"}
    assert download(client).getvalue() == f"%PDF-fr {first_title}".encode()
    data = gather_annex(load_cycle(cycle))
    assert stored_names(folder) == sorted(
        f"{folder}/{data.cycle_uuid}-{language}-{render.current_key(data, language)}.pdf"
        for language in ("fr", "ar")
    )


@pytest.mark.storage
@pytest.mark.django_db
def test_a_build_that_keeps_failing_is_said_on_the_page_never_a_500(
    builds, action, cycle, monkeypatch, settings, client_for, viewer, caplog
):
    def broken(data, language):
        raise OSError("no fonts")

    monkeypatch.setattr(render, "render_annex", broken)
    client = client_for(viewer)
    with caplog.at_level("ERROR", logger="communes.jobs"):
        client.get(STATUS, **HTMX)
        run_worker(monkeypatch)
    assert f"PAC annex oujda 2022-2027 (fr) (annex:{cycle.pk}:fr) failed, attempt 3 of 3" in (
        caplog.text
    )
    box = client.get(STATUS, **HTMX).content.decode()
    assert box.count('data-state="failed"') == 2 and "hx-trigger" not in box
    assert "L'annexe en arabe n'a pas pu être préparée." in box
    assert download(client).status_code == 303
    assert client.get("/communes/oujda/pac/2022/annex/fr/previous.pdf").status_code == 404


@pytest.mark.storage
@pytest.mark.django_db
def test_the_annex_box_is_for_readers_of_the_commune_only(
    client, client_for, personas, cycle, builds
):
    assert client.get(STATUS).status_code == 302
    assert client_for(personas.other_editor).get(STATUS).status_code == 404
    assert client_for(personas.coordinator).get(STATUS, **HTMX).status_code == 200
