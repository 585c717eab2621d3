"""``/health/`` for load balancers: does this process reach what it needs?

No login, no data: the answer names each dependency (the database, the file storage, the
task queue) and says ``ok`` or ``unavailable``, never an error text (it could carry a host
name or a path). 200 when all answer, 503 otherwise, so a balancer takes the process out of
rotation while its database is down and back as soon as it answers again.

The workers' heartbeat is reported beside the checks, as information: a web process whose
workers are down still serves every page (annexes wait, "being prepared"), and taking every
web process out of rotation because no worker runs would stop the whole site. Monitoring
alerts on ``workers.alive == 0`` instead.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

PROBE_PREFIX = "health/"


def check_database() -> None:
    # A real round trip: ensure_connection() alone keeps a dead persistent connection.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # Drop a connection the server ended, so that the next probe reconnects as soon
        # as the database is back instead of reporting the old failure.
        connection.close_if_unusable_or_obsolete()
        raise


def check_storage() -> None:
    """Write, read back and delete a tiny file: a mounted but read-only volume fails here."""
    name = default_storage.save(f"{PROBE_PREFIX}{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                raise OSError("storage read back other bytes")
    finally:
        default_storage.delete(name)


def check_queue() -> None:
    """The task queue answers: its table (database backend) or its Redis (RQ)."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend == "django_tasks_db.DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        list(DBTaskResult.objects.order_by().values_list("pk", flat=True)[:1])
    elif backend == "django_tasks_rq.RQBackend":
        import django_rq

        if not django_rq.get_connection("default").ping():
            raise ConnectionError("Redis did not answer")
    # Other backends (immediate, dummy) have nothing to reach.


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "storage": check_storage,
    "queue": check_queue,
}


def workers() -> dict:
    """The latest heartbeat of any worker and how many beat recently (one query)."""
    from django.db.models import Count, Max, Q

    from .models import WorkerHeartbeat

    recent = timezone.now() - timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
    try:
        found = WorkerHeartbeat.objects.aggregate(
            last=Max("beat_at"), alive=Count("pk", filter=Q(beat_at__gte=recent))
        )
    except DatabaseError:
        connection.close_if_unusable_or_obsolete()
        return {"alive": None, "last_heartbeat": None}
    last = found["last"]
    return {"alive": found["alive"], "last_heartbeat": last.isoformat() if last else None}


def run_checks() -> dict[str, bool]:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # any failure means "not ready", whatever raised it
            logger.warning("Health check %s failed", name, exc_info=True)
            results[name] = False
        else:
            results[name] = True
    return results
