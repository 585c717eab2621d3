"""/health/ for load balancers: no login, no data, 503 while a dependency is down."""

import pytest
from django.contrib.staticfiles import finders
from django.db import OperationalError, connection

from tests.files import stored_names

pytestmark = pytest.mark.django_db


def test_health_answers_ok_without_login(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok", "queue": "ok"},
        # No worker has ever run here: said, and the process stays in rotation.
        "workers": {"alive": 0, "last_heartbeat": None},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.storage
def test_health_leaves_no_probe_file(client, media):
    assert client.get("/health/").status_code == 200
    assert stored_names() == []


@pytest.mark.django_db(transaction=True)
def test_health_is_503_while_the_database_connection_fails_then_200_again(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", broken_cursor)
        down = client.get("/health/")
    assert down.status_code == 503
    # The answer says what is down, never why (no host, no path, no driver message).
    assert down.json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "storage": "ok", "queue": "ok"},
        "workers": {"alive": None},
    }
    assert b"refused" not in down.content

    up = client.get("/health/")
    assert up.status_code == 200
    assert up.json()["checks"] == {"database": "ok", "storage": "ok", "queue": "ok"}


@pytest.mark.django_db(transaction=True)
def test_health_is_503_after_the_server_drops_our_connection_then_200_again(client, monkeypatch):
    """The database ends this process's session (a restart, a failover): one 503, then 200.

    On PostgreSQL the server really terminates our backend from a second connection; the
    embedded SQLite has no server side, so the same break is simulated on the cursor.
    """
    client.get("/health/")  # the connection is open and known to work
    if connection.vendor == "postgresql":
        import psycopg

        pid = connection.connection.info.backend_pid
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        down = client.get("/health/")
    else:
        with monkeypatch.context() as patched:
            patched.setattr(
                connection,
                "cursor",
                lambda *a, **k: (_ for _ in ()).throw(
                    OperationalError("server closed the connection unexpectedly")
                ),
            )
            down = client.get("/health/")
    assert down.status_code == 503
    assert down.json()["checks"]["database"] == "unavailable"
    # The broken connection is dropped at the end of that request; the next one reconnects.
    up = client.get("/health/")
    assert up.status_code == 200
    assert up.json()["checks"]["database"] == "ok"


def test_every_page_names_its_icon_and_favicon_ico_leads_to_it(client):
    page = client.get("/login/").content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")


@pytest.mark.django_db
def test_health_checks_the_database_queue(client, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    assert client.get("/health/").json()["checks"]["queue"] == "ok"


@pytest.mark.redis
@pytest.mark.django_db
def test_health_checks_the_redis_queue_and_says_when_it_does_not_answer(client, settings):
    import os

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": os.environ["TEST_REDIS_URL"]}}
    assert client.get("/health/").json()["checks"]["queue"] == "ok"
    # A Redis that does not answer (nothing listens on port 1).
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "SOCKET_TIMEOUT": 1}}
    down = client.get("/health/")
    assert down.status_code == 503
    assert down.json()["checks"] == {"database": "ok", "storage": "ok", "queue": "unavailable"}


@pytest.mark.django_db
def test_the_workers_heartbeat_is_shown_but_never_fails_the_check(client, settings, caplog):
    from datetime import timedelta

    from django.utils import timezone

    from prim.management.commands.worker import beat
    from prim.models import WorkerHeartbeat

    started = timezone.now()
    with caplog.at_level("INFO", logger="prim.worker"):
        beat("host-a:12", "database", started)
    assert "Worker host-a:12 (database queue) alive" in caplog.text
    # A worker silent for longer than three beats is not counted as alive.
    WorkerHeartbeat.objects.create(
        worker="host-b:7",
        backend="database",
        started_at=started,
        beat_at=started - timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS + 1),
    )
    body = client.get("/health/").json()
    assert body["workers"]["alive"] == 1
    assert (
        body["workers"]["last_heartbeat"]
        == WorkerHeartbeat.objects.get(worker="host-a:12").beat_at.isoformat()
    )
    WorkerHeartbeat.objects.all().delete()
    response = client.get("/health/")
    assert response.status_code == 200 and response.json()["workers"]["alive"] == 0
