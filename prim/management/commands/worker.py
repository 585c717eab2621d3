"""``manage.py worker``: the task worker of the configured queue, with a heartbeat.

Runs ``db_worker`` (TASKS_BACKEND=database, the default) or ``rqworker default --job-class
django_tasks_rq.Job --with-scheduler`` (TASKS_BACKEND=rq); any other argument goes to that
command (``manage.py worker --batch``). Beside it, a thread logs a heartbeat every
``WORKER_HEARTBEAT_SECONDS`` and records it (``prim.WorkerHeartbeat``) for ``/health/``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

logger = logging.getLogger("prim.worker")

RQ_ARGS = ["default", "--job-class", "django_tasks_rq.Job", "--with-scheduler"]
# Rows of workers gone for this long are removed by the others.
FORGET_AFTER = timedelta(days=1)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(name: str, backend: str, started_at) -> None:
    """Record one sign of life (and forget workers long gone)."""
    from prim.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker=name, defaults={"backend": backend, "started_at": started_at, "beat_at": now}
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()
    logger.info("Worker %s (%s queue) alive", name, backend)


class Heartbeat(threading.Thread):
    def __init__(self, backend: str, interval: float):
        super().__init__(name="worker-heartbeat", daemon=True)
        self.backend, self.interval = backend, interval
        self.name_, self.started_at = worker_name(), timezone.now()
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            try:
                beat(self.name_, self.backend, self.started_at)
            except DatabaseError:
                logger.warning("Worker %s: heartbeat not recorded", self.name_, exc_info=True)
            finally:
                connection.close()  # this thread's own connection; a fresh one next time
            self.stopped.wait(self.interval)

    def stop(self):
        self.stopped.set()
        try:
            from prim.models import WorkerHeartbeat

            WorkerHeartbeat.objects.filter(worker=self.name_).delete()
        except DatabaseError:
            pass


class Command(BaseCommand):
    help = "Run the task worker of the configured queue (TASKS_BACKEND), with a heartbeat."

    def run_from_argv(self, argv):
        # Every argument goes to the backend's own worker command, unparsed here.
        self._extra = argv[2:]
        if "-h" in self._extra or "--help" in self._extra:
            self.stdout.write(self.help + " Other arguments go to db_worker or rqworker.")
            return
        options = vars(self.create_parser(argv[0], argv[1]).parse_args([]))
        options.pop("args", None)
        self.execute(**options)

    def add_arguments(self, parser):
        pass

    def handle(self, *args, **options):
        extra = list(getattr(self, "_extra", args))
        backend = settings.TASKS_BACKEND
        if backend == "rq":
            command, arguments = "rqworker", [*RQ_ARGS, *extra]
        elif backend == "database":
            command, arguments = "db_worker", extra
        else:
            raise CommandError(f"TASKS_BACKEND={backend!r} has no worker to run.")
        # With --reload, the parent only watches files: the child that works beats.
        reloads = command == "db_worker" and "--batch" not in extra
        asked = "--reload" in extra or (settings.DEBUG and "--no-reload" not in extra)
        reloads = reloads and asked
        watching = reloads and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        heartbeat = None
        if not watching:
            heartbeat = Heartbeat(backend, settings.WORKER_HEARTBEAT_SECONDS)
            heartbeat.start()
        try:
            close_old_connections()
            call_command(command, *arguments)
        finally:
            if heartbeat:
                heartbeat.stop()
