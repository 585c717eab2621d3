"""Background jobs on the real database queue: coalescing, one runner, retries, dead workers."""

import pytest
from django_tasks_db.models import DBTaskResult

from communes import jobs
from communes.models import Job
from tests.workers import run_worker, use_database_queue

RUNS = []


@jobs.handler("test-echo")
def echo(job):
    RUNS.append(job.params["n"])
    job.report(1, 1, "echoed")
    if job.params.get("fail"):
        raise RuntimeError(f"cannot echo {job.params['n']}")
    return {"echo": job.params["n"]}


@pytest.fixture(autouse=True)
def queue(settings):
    use_database_queue(settings)
    RUNS.clear()


def tasks_by_status():
    return sorted(DBTaskResult.objects.values_list("status", flat=True))


@pytest.mark.django_db
def test_requests_while_queued_give_one_run_of_the_latest_params(monkeypatch):
    for n in range(10):
        jobs.request("echo:1", kind="test-echo", params={"n": n}, label="Echo one")
    assert DBTaskResult.objects.count() == 1
    run_worker(monkeypatch)
    assert RUNS == [9]
    job = Job.objects.get(key="echo:1")
    assert (job.state, job.result, job.attempts, job.percent) == ("done", {"echo": 9}, 0, 100)
    assert tasks_by_status() == ["SUCCESSFUL"]


@pytest.mark.django_db
def test_a_request_while_running_runs_once_more_after(monkeypatch):
    def echo_and_change(job):
        RUNS.append(job.params["n"])
        if len(RUNS) == 1:  # a change arrives while the first run is under way
            jobs.request("echo:2", kind="test-again", params={"n": 2})
            assert DBTaskResult.objects.filter(status="READY").count() == 0  # not queued twice
        return None

    jobs.handler("test-again")(echo_and_change)
    jobs.request("echo:2", kind="test-again", params={"n": 1})
    run_worker(monkeypatch)
    assert RUNS == [1, 2]
    assert Job.objects.get(key="echo:2").state == "done"


@pytest.mark.django_db
def test_a_task_that_lost_its_token_does_nothing(monkeypatch):
    """Two tasks for one job (a recovery, a duplicate): only the job's current token runs."""
    job = jobs.request("echo:3", kind="test-echo", params={"n": 3})
    assert jobs.run_job.call("echo:3", "00000000-0000-0000-0000-000000000000") is None
    assert RUNS == []
    assert jobs.run_job.call("echo:3", str(job.token)) == {"echo": 3}
    # The same task delivered twice: the second finds the job done and does nothing.
    assert jobs.run_job.call("echo:3", str(job.token)) is None
    assert RUNS == [3]


@pytest.mark.django_db
def test_a_failing_job_is_retried_then_failed_and_logged(monkeypatch, caplog, settings):
    settings.JOBS_MAX_ATTEMPTS = 3
    with caplog.at_level("ERROR", logger="communes.jobs"):
        jobs.request("echo:4", kind="test-echo", params={"n": 4, "fail": True}, label="Echo four")
        run_worker(monkeypatch)
    job = Job.objects.get(key="echo:4")
    assert RUNS == [4, 4, 4]
    assert (job.state, job.attempts) == ("failed", 3)
    assert job.error == "RuntimeError: cannot echo 4"
    assert "Background job Echo four (echo:4) failed, attempt 3 of 3" in caplog.text
    # Each attempt is a task of the queue, failed with its traceback (django-tasks-db's admin).
    assert tasks_by_status() == ["FAILED"] * 3
    assert "cannot echo 4" in DBTaskResult.objects.first().traceback
    # A new request (new data) starts again from the first attempt.
    jobs.request("echo:4", kind="test-echo", params={"n": 5})
    run_worker(monkeypatch)
    job.refresh_from_db()
    assert (job.state, job.attempts, RUNS[-1]) == ("done", 0, 5)


@pytest.mark.django_db
def test_a_dead_worker_s_job_is_queued_again_after_its_lease(monkeypatch, settings):
    def die(job):
        RUNS.append("started")
        raise KeyboardInterrupt  # stands for a worker killed mid-job: nothing is recorded

    jobs.handler("test-die")(die)
    jobs.request("echo:5", kind="test-die", params={})
    run_worker(monkeypatch)
    job = Job.objects.get(key="echo:5")
    assert (job.state, job.attempts) == ("running", 1)
    # Within its lease the job is presumed alive: nothing to recover, a request only marks it.
    assert jobs.recover_stale() == 0
    settings.JOBS_LEASE_SECONDS = 0
    jobs.handler("test-die")(echo)
    job.params = {"n": 5}
    job.save()
    assert jobs.recover_stale(["echo:5"]) == 1
    job.refresh_from_db()
    assert job.state == "queued" and "stopped during attempt 1" in job.error
    run_worker(monkeypatch)
    job.refresh_from_db()
    assert (job.state, RUNS) == ("done", ["started", 5])


@pytest.mark.django_db
def test_a_dead_worker_s_last_attempt_fails_the_job(settings):
    settings.JOBS_LEASE_SECONDS = 0
    job = Job.objects.create(
        key="echo:6",
        kind="test-echo",
        state="running",
        attempts=3,
        heartbeat_at="2026-01-01T00:00Z",
    )
    assert jobs.recover_stale() == 1
    job.refresh_from_db()
    assert job.state == "failed" and "stopped during attempt 3" in job.error
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_national_administrators_see_failed_jobs_in_the_admin(client_for, national, editor):
    """The admin opens to staff; among staff, the job list opens to national administrators."""
    national.is_staff = editor.is_staff = True
    national.save()
    editor.save()
    Job.objects.create(
        key="annex:1:fr",
        kind="annex",
        label="PAC annex oujda 2022-2027 (fr)",
        state="failed",
        attempts=3,
        error="OSError: disk full",
    )
    page = client_for(national).get("/admin/communes/job/?state__exact=failed")
    assert page.status_code == 200
    text = page.content.decode()
    assert "PAC annex oujda 2022-2027 (fr)" in text and "OSError: disk full" in text
    assert client_for(editor).get("/admin/communes/job/").status_code == 403


@pytest.mark.django_db
def test_a_queued_job_whose_task_was_lost_is_queued_again(monkeypatch, settings):
    """E.g. a worker killed after taking the task but before starting the job."""
    jobs.request("echo:7", kind="test-echo", params={"n": 7})
    DBTaskResult.objects.update(status="RUNNING")  # taken by a worker, which then died
    assert jobs.recover_stale(["echo:7"]) == 0  # within the lease: presumed on its way
    settings.JOBS_LEASE_SECONDS = 0
    DBTaskResult.objects.update(started_at=Job.objects.get().requested_at)
    assert jobs.recover_stale(["echo:7"]) == 1
    run_worker(monkeypatch)
    assert (Job.objects.get().state, RUNS) == ("done", [7])
