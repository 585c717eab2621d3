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
