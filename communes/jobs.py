"""Background jobs: coalesced requests, one runner at a time, bounded retries, a lease.

A *job* is a piece of work named by a key (``annex:12:fr``: the French annex of cycle 12).
``request(key, ...)`` makes sure it will run once more, with the latest data:

- queued already: nothing to do (ten changes in a minute give one run);
- running: it is marked ``rerun`` and queued again when it ends;
- otherwise it is queued: a ``run_job`` task goes to the task backend (``settings.TASKS``), in
  the same transaction as the row, so a rolled-back change queues nothing.

``run_job`` moves the row from queued to running under a row lock, and only if it carries the
row's current token: a stale or duplicate task does nothing. The work itself is the handler of
the job's kind (``@handler("annex")``), which receives the ``Job`` (its ``params``; ``report()``
for progress) and returns a JSON value kept in ``Job.result``.

Failures: an exception is logged with the job's label, kept in ``Job.error`` and retried after
a growing delay, up to ``JOBS_MAX_ATTEMPTS`` attempts; then the job is *failed* (the admin lists
it for national administrators) until the next request. A worker killed mid-job leaves its row
*running* with an old heartbeat: past ``JOBS_LEASE_SECONDS`` without a sign of life
(``Job.report``), ``recover_stale`` queues it again (or fails it after the last attempt). Any
worker sweeps stale jobs before each job, and pages that wait for a job sweep theirs.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from .job_model import Job

logger = logging.getLogger(__name__)

State = Job.State
_handlers: dict[str, Callable[[Job], Any]] = {}


@contextmanager
def _locked():
    """A transaction holding the job row's lock (``select_for_update``). SQLite has no row lock:
    there the transaction takes the database's write lock when it begins (IMMEDIATE), so two
    processes never both read a job and then both try to write it (which SQLite refuses at once
    with "database is locked" instead of waiting)."""
    connection = transaction.get_connection()
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    connection.ensure_connection()
    mode = getattr(connection, "transaction_mode", None)
    connection.transaction_mode = "IMMEDIATE"
    try:
        with transaction.atomic():
            yield
    finally:
        connection.transaction_mode = mode


def handler(kind: str):
    """Register what a job of ``kind`` does: ``func(job) -> JSON-serialisable result``."""

    def register(func):
        _handlers[kind] = func
        return func

    return register


def request(
    key: str,
    *,
    kind: str,
    params: dict | None = None,
    label: str = "",
    priority: int = 0,
    delay: float = 0,
) -> Job:
    """Make sure the job ``key`` runs (again) with the latest data; coalesced. Returns its row.

    ``delay`` (seconds) holds a new run back a little, so that a burst of edits gives one run;
    backends that cannot defer (the immediate one of the tests) run at once.
    """
    now = timezone.now()
    with _locked():
        job, created = Job.objects.select_for_update().get_or_create(
            key=key,
            defaults={"kind": kind, "params": params or {}, "label": label, "priority": priority},
        )
        if not created:
            job.params, job.label, job.requested_at = params or {}, label or job.label, now
            job.priority = max(job.priority, priority) if job.pending else priority
            if job.state == State.QUEUED:
                job.save(update_fields=["params", "label", "requested_at", "priority"])
                return job
            if job.state == State.RUNNING and not job.is_stale(now):
                job.rerun = True
                job.save(update_fields=["params", "label", "requested_at", "priority", "rerun"])
                return job
            job.attempts = 0
        _enqueue(job, delay=delay)
    job.refresh_from_db()  # an immediate backend has already run it
    return job


def _enqueue(job: Job, *, delay: float = 0) -> None:
    """Queue ``job`` under a new token (inside the caller's transaction, row locked)."""
    job.state, job.token, job.rerun = State.QUEUED, uuid.uuid4(), False
    job.heartbeat_at = timezone.now()  # queued at: see _task_lost
    job.progress_done = job.progress_total = 0
    job.progress_note = ""
    job.save()
    work = run_job
    backend = work.get_backend()
    changes: dict[str, Any] = {}
    if job.priority and backend.supports_priority:
        changes["priority"] = job.priority
    if delay and backend.supports_defer:
        changes["run_after"] = timezone.now() + timedelta(seconds=delay)
    if changes:
        work = work.using(**changes)
    result = work.enqueue(job.key, str(job.token))
    Job.objects.filter(pk=job.pk, token=job.token).update(task_id=str(result.id))


@task()
def run_job(key: str, token: str) -> Any:
    """The one task of this app: run the job ``key`` if ``token`` is still its own."""
    recover_stale()
    now = timezone.now()
    with _locked():
        job = Job.objects.select_for_update().filter(key=key).first()
        if job is None or str(job.token) != token or job.state != State.QUEUED:
            # Superseded: a newer request or a recovery queued it under another token.
            return None
        job.state, job.rerun = State.RUNNING, False
        job.attempts += 1
        job.started_at = job.heartbeat_at = now
        job.save()
    try:
        result = _handlers[job.kind](job)
    except Exception as exc:
        _failed(job, exc)
        raise
    _succeeded(job, result)
    return result


def _current(job: Job) -> Job | None:
    """The row of ``job`` locked, if ``job`` still holds it (same token)."""
    return Job.objects.select_for_update().filter(pk=job.pk, token=job.token).first()


def _succeeded(job: Job, result: Any) -> None:
    with _locked():
        row = _current(job)
        if row is None:
            return
        row.result, row.error, row.finished_at = result, "", timezone.now()
        row.progress_done = row.progress_total
        row.attempts = 0
        if row.rerun:
            _enqueue(row)
        else:
            row.state = State.DONE
            row.save()


def _retry_delay(attempts: int) -> float:
    return settings.JOBS_RETRY_DELAY_SECONDS * 2 ** max(attempts - 1, 0)


def _failed(job: Job, exc: BaseException) -> None:
    logger.error(
        "Background job %s (%s) failed, attempt %d of %d",
        job.label or job.key,
        job.key,
        job.attempts,
        settings.JOBS_MAX_ATTEMPTS,
        exc_info=exc,
    )
    with _locked():
        row = _current(job)
        if row is None:
            return
        row.error = f"{type(exc).__name__}: {exc}"[:2000]
        row.finished_at = timezone.now()
        if row.rerun:
            row.attempts = 0  # new data may not fail
            _enqueue(row)
        elif row.attempts < settings.JOBS_MAX_ATTEMPTS:
            _enqueue(row, delay=_retry_delay(row.attempts))
        else:
            row.state = State.FAILED
            row.save()


def _task_lost(job: Job, cutoff) -> bool:
    """The queued task of ``job`` no longer exists, has ended, or was taken by a worker that
    died before it could start the job (backends that can tell; others are trusted)."""
    backend = run_job.get_backend()
    if not backend.supports_get_result or not job.task_id:
        return False
    try:
        result = backend.get_result(job.task_id)
    except TaskResultDoesNotExist:
        return True
    if result.is_finished:
        return True
    return result.status == TaskResultStatus.RUNNING and (result.started_at or cutoff) < cutoff


def recover_stale(keys: Iterable[str] | None = None) -> int:
    """Queue again (or fail, after the last attempt) the jobs whose worker stopped answering;
    with ``keys``, also those of these jobs whose queued task was lost.

    Returns how many were recovered. One indexed query when there is nothing to do.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.JOBS_LEASE_SECONDS)
    stale = Job.objects.filter(state=State.RUNNING, heartbeat_at__lt=cutoff)
    if keys is not None:
        stale = stale.filter(key__in=list(keys))
    recovered = 0
    if keys is not None:
        # Jobs queued for a lease whose task is gone: checked only for the few jobs a page
        # waits for (a national backlog legitimately waits longer).
        waiting = Job.objects.filter(state=State.QUEUED, heartbeat_at__lt=cutoff, key__in=keys)
        for job in waiting:
            if _task_lost(job, cutoff):
                with _locked():
                    row = _current(job)
                    if row is not None and row.state == State.QUEUED:
                        logger.error("Background job %s (%s): its task was lost", row, row.key)
                        _enqueue(row)
                        recovered += 1
    for pk in stale.values_list("pk", flat=True):
        with _locked():
            row = (
                Job.objects.select_for_update()
                .filter(pk=pk, state=State.RUNNING, heartbeat_at__lt=cutoff)
                .first()
            )
            if row is None:
                continue  # another process recovered it, or the worker woke up
            row.error = f"The worker stopped during attempt {row.attempts} (no sign of life)."
            logger.error("Background job %s (%s): %s", row.label or row.key, row.key, row.error)
            if row.attempts < settings.JOBS_MAX_ATTEMPTS:
                _enqueue(row)
            else:
                row.state = State.FAILED
                row.save()
            recovered += 1
    return recovered
