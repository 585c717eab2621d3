"""Several machines, simulated: two gunicorn servers on two ports and one task worker, sharing
PostgreSQL, Redis (queue and cache) and one storage folder, as a load balancer would spread
users over machines. What one server does, the other sees:

- an annex requested through one server, built by the worker, is served by the other;
- a login lock-out counted on one holds on the other (django-axes, in the database);
- a save on one makes the same old form refused (409) on the other.

Marked ``multiprocess``: runs on PostgreSQL with TEST_REDIS_URL (CI), deselected elsewhere.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from actions.annex.sample import build_sample_cycle
from tests.communes.test_awareness_models import make_training
from tests.communes.test_training_views import training_data
from tests.factories import PASSWORD
from tests.workers import use_rq_queue

pytestmark = [pytest.mark.multiprocess, pytest.mark.django_db(transaction=True)]

PORTS = (8105, 8115)
ROOT = Path(django_settings.BASE_DIR)


class Browser:
    """One user's browser (cookies kept), talking to a server by its port."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, port, path, data=None, headers=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", data=body, headers=headers or {}
        )
        if data is not None:
            request.add_header("Referer", f"http://127.0.0.1:{port}{path}")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def csrf(self, port, path):
        status, _, body = self.request(port, path)
        assert status == 200, (path, status)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()

    def post(self, port, path, data):
        return self.request(port, path, {**data, "csrfmiddlewaretoken": self.csrf(port, path)})

    def login(self, port, username, password=PASSWORD):
        return self.post(port, "/login/", {"username": username, "password": password})[0]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"not within {seconds} s: {what}")


@pytest.fixture
def machines(tmp_path, settings):
    """Two gunicorn servers and one worker on the test database, one Redis, one folder."""
    import django_rq

    db = connection.settings_dict
    redis_url = os.environ["TEST_REDIS_URL"]
    # What this process changes (the test's data) queues its work on the same Redis.
    use_rq_queue(settings, redis_url)
    settings.MEDIA_ROOT = tmp_path / "shared-storage"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings_servers",
        "DEBUG": "1",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "TASKS_BACKEND": "rq",
        "STORAGE": "files",
        "MEDIA_ROOT": str(tmp_path / "shared-storage"),
        "ANNEX_BUILD_DELAY_SECONDS": "0",
        "WORKER_HEARTBEAT_SECONDS": "1",
        "TRUSTED_PROXY_COUNT": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_LIVE_TEST_SERVER_ADDRESS", None)
    python = Path(sys.executable)
    logs = tmp_path / "logs"
    logs.mkdir()
    processes = []

    def start(name, command):
        out = open(logs / f"{name}.log", "wb")  # noqa: SIM115
        processes.append(
            (name, subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out))
        )

    for port in PORTS:
        start(
            f"web-{port}",
            [
                str(python.with_name("gunicorn")),
                "prim.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "2",
                "--timeout",
                "60",
            ],
        )
    start("worker", [str(python), "manage.py", "worker"])

    def healthy(port):
        try:
            status, _, _ = Browser().request(port, "/health/")
        except OSError:
            return False
        return status == 200

    try:
        for port in PORTS:
            wait_for(lambda port=port: healthy(port), 30, f"the server on port {port}")
        yield
    finally:
        for _, process in processes:
            process.terminate()
        for _, process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        django_rq.get_connection("default").flushdb()
        for name, _ in processes:
            text = (logs / f"{name}.log").read_text(errors="replace")
            print(f"--- {name} ---\n{text[-3000:]}")  # pytest shows it if the test fails


def test_two_servers_and_a_worker_share_database_redis_and_storage(machines, editor, viewer, cycle):
    a, b = PORTS
    build_sample_cycle(cycle, n_actions=1)

    # The health of each server: database, storage and queue; the worker's heartbeat seen.
    wait_for(
        lambda: Browser().request(b, "/health/")[2].count(b'"alive": 1') == 1,
        20,
        "the worker's heartbeat",
    )

    # 1. The annex: asked for through A, built by the worker, served by B.
    user = Browser()
    assert user.login(a, editor.username) == 302
    status_page = f"/communes/{cycle.commune.code}/pac/{cycle.start_year}/annex/"
    assert user.request(a, status_page)[0] == 200  # the page asks for a build
    pdf = f"{status_page}fr.pdf"

    def served_by_b():
        status, headers, body = user.request(b, pdf)  # the same session cookie, on B
        return status == 200 and body.startswith(b"%PDF") and headers["X-Annex-Cache"] == "hit"

    wait_for(served_by_b, 45, "the annex built by the worker, served by the other server")

    # 2. Wrong passwords counted on A and B together; the lock-out holds on both.
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert Browser().login(a, viewer.username, "wrong") == 200  # the form again
    assert Browser().login(b, viewer.username, "wrong") == 429  # the last one allowed, on B
    assert Browser().login(a, viewer.username) == 429  # the right password, on A: locked

    # 3. Two tabs of one training, one on each server: the second save is refused.
    training = make_training(cycle, by=editor)
    edit = _training_edit_url(cycle, training)
    first = user.post(a, edit, training_data(loaded_version="1", place="Salle A"))
    assert first[0] == 302
    second = user.post(b, edit, training_data(loaded_version="1", place="Salle B"))
    assert second[0] == 409
    training.refresh_from_db()
    assert training.place == "Salle A" and training.version == 2


def _training_edit_url(cycle, training):
    from django.urls import reverse

    return reverse(
        "communes:training_edit",
        kwargs={"code": cycle.commune.code, "year": cycle.start_year, "uuid": training.uuid},
    )
