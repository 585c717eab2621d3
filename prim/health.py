"""``/health/`` for load balancers: does this process reach what it needs?

No login, no data: the answer names each dependency and says ``ok`` or ``unavailable``,
never an error text (it could carry a host name or a path). 200 when all answer, 503
otherwise, so a balancer takes the process out of rotation while its database is down
and back as soon as it answers again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection

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


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "storage": check_storage,
}


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
