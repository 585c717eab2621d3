"""The real task queue in tests: django-tasks-db's backend and its ``db_worker`` command.

``use_database_queue(settings)`` makes the database backend the default (the suite's default is
the dummy one, which never runs anything); ``run_worker()`` runs ``manage.py db_worker --batch``
in this process until the queue is empty: the same command as production, on SQLite or on
PostgreSQL (``DATABASE_URL``), inside the test's transaction.
"""

import signal

from django.core.management import call_command
from django_tasks_db.management.commands import db_worker

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def use_database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": DATABASE_BACKEND, "QUEUES": ["default"]}}
    settings.ANNEX_BUILD_DELAY_SECONDS = 0
    settings.JOBS_RETRY_DELAY_SECONDS = 0


def run_worker(monkeypatch, **options):
    """Run the real worker until no task is ready, then give back the test's signal handlers."""
    # The worker closes stale connections between tasks; here that would end the test's
    # transaction (the data under test), so the connection is kept.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker",
            batch=True,
            reload=False,
            startup_delay=False,
            interval=0,
            verbosity=0,
            **options,
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


# --- The same queue on Redis (django-tasks-rq) ---------------------------------------------------
# Tests marked ``redis`` run when TEST_REDIS_URL names a Redis they may empty (CI: the machine's
# own, database 14); elsewhere they are deselected (tests/conftest.py).
RQ_BACKEND = "django_tasks_rq.RQBackend"


def use_rq_queue(settings, redis_url):
    """RQ as the task backend, on an emptied Redis database."""
    import django_rq

    settings.TASKS = {"default": {"BACKEND": RQ_BACKEND, "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 60}}
    settings.ANNEX_BUILD_DELAY_SECONDS = 0
    settings.JOBS_RETRY_DELAY_SECONDS = 0
    django_rq.get_connection("default").flushdb()


def run_rq_worker(monkeypatch):
    """Run RQ's worker in this process (``SimpleWorker``: no fork, so it sees the test's
    transaction) until the queue is empty: production's command, ``--burst``."""
    from django_rq.management.commands import rqworker

    # The command closes the database connections before it forks; here there is no fork, and
    # closing would end the test's transaction.
    monkeypatch.setattr(rqworker, "reset_db_connections", lambda: None)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "rqworker",
            "default",
            "--job-class",
            "django_tasks_rq.Job",
            "--worker-class",
            "rq.SimpleWorker",
            "--burst",
            verbosity=0,
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
