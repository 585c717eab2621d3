"""Background jobs on Redis (TASKS_BACKEND=rq, django-tasks-rq): the same promises as on the
database queue (tests/communes/test_jobs.py), with RQ's own worker command. Marked ``redis``:
they run where TEST_REDIS_URL names a Redis to use (CI), deselected elsewhere."""

import os

import pytest
from django_rq import get_connection, get_queue

from communes import jobs
from communes.models import Job
from tests.workers import run_rq_worker, use_rq_queue

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

RUNS = []


@jobs.handler("rq-echo")
def echo(job):
    RUNS.append(job.params["n"])
    job.report(1, 1, "echoed")
    if job.params.get("fail"):
        raise RuntimeError(f"cannot echo {job.params['n']}")
    return {"echo": job.params["n"]}


@pytest.fixture(autouse=True)
def queue(settings):
    use_rq_queue(settings, os.environ["TEST_REDIS_URL"])
    RUNS.clear()
    yield get_queue("default")
    get_connection("default").flushdb()


def test_requests_while_queued_give_one_run_of_the_latest_params(queue, monkeypatch):
    for n in range(10):
        jobs.request("echo:1", kind="rq-echo", params={"n": n}, label="Echo one")
    assert queue.count == 1  # one task in Redis for ten requests
    run_rq_worker(monkeypatch)
    assert RUNS == [9]
    job = Job.objects.get(key="echo:1")
    assert (job.state, job.result, job.attempts, job.percent) == ("done", {"echo": 9}, 0, 100)
    assert queue.count == 0 and len(queue.finished_job_registry) == 1


def test_a_request_while_running_runs_once_more_after(queue, monkeypatch):
    def echo_and_change(job):
        RUNS.append(job.params["n"])
        if len(RUNS) == 1:  # a change arrives while the first run is under way
            jobs.request("echo:2", kind="rq-again", params={"n": 2})
            assert queue.count == 0  # not queued twice
        return None

    jobs.handler("rq-again")(echo_and_change)
    jobs.request("echo:2", kind="rq-again", params={"n": 1})
    run_rq_worker(monkeypatch)
    assert RUNS == [1, 2]
    assert Job.objects.get(key="echo:2").state == "done"


def test_a_failing_job_is_retried_then_failed_and_logged(queue, monkeypatch, caplog, settings):
    settings.JOBS_MAX_ATTEMPTS = 3
    with caplog.at_level("ERROR", logger="communes.jobs"):
        jobs.request("echo:4", kind="rq-echo", params={"n": 4, "fail": True}, label="Echo four")
        run_rq_worker(monkeypatch)
    job = Job.objects.get(key="echo:4")
    assert RUNS == [4, 4, 4]
    assert (job.state, job.attempts, job.error) == ("failed", 3, "RuntimeError: cannot echo 4")
    assert "Background job Echo four (echo:4) failed, attempt 3 of 3" in caplog.text
    # Each attempt is a failed RQ job, with its traceback.
    assert len(queue.failed_job_registry) == 3
    jobs.request("echo:4", kind="rq-echo", params={"n": 5})
    run_rq_worker(monkeypatch)
    job.refresh_from_db()
    assert (job.state, job.attempts, RUNS[-1]) == ("done", 0, 5)


def test_a_queued_job_whose_task_was_lost_from_redis_is_queued_again(queue, monkeypatch, settings):
    """Redis restarted without its data, or the task expired: the page that waits notices."""
    jobs.request("echo:7", kind="rq-echo", params={"n": 7})
    get_connection("default").flushdb()  # the task is gone
    assert jobs.recover_stale(["echo:7"]) == 0  # within the lease: presumed on its way
    settings.JOBS_LEASE_SECONDS = 0
    assert jobs.recover_stale(["echo:7"]) == 1
    assert queue.count == 1
    run_rq_worker(monkeypatch)
    assert (Job.objects.get().state, RUNS) == ("done", [7])


def test_a_delayed_request_waits_in_rq_s_schedule(queue, settings):
    settings.ANNEX_BUILD_DELAY_SECONDS = 2
    jobs.request("echo:8", kind="rq-echo", params={"n": 8}, delay=30)
    # Not runnable yet: in the scheduled registry, for the worker's scheduler (--with-scheduler).
    assert queue.count == 0 and len(queue.scheduled_job_registry) == 1
