"""The first request after PostgreSQL comes back succeeds (issue 11).

Connections are kept between requests (``CONN_MAX_AGE``); when the database restarts, the
kept connection is dead. With ``CONN_HEALTH_CHECKS`` Django tests a kept connection before the
first query of each request and opens a new one if it is dead; without, that first request
fails with a 500. The database's restart is played by ending the application's connection
from a second one (``pg_terminate_backend``), between two requests. The requests go through
the WSGI application itself: Django's test client switches off the per-request connection
checks this is about.
"""

import io
import sys

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from prim.wsgi import application
from tests.conftest import MODEL_BACKEND

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def get(path, cookie):
    answers = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "HTTP_COOKIE": cookie,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    response = application(environ, lambda status, headers: answers.append(status))
    body = b"".join(response)
    response.close()  # what the server does: request_finished, the end-of-request checks
    return answers[0], body.decode()


def test_the_first_request_after_the_database_restarts_succeeds(editor, cycle):
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0  # connections are kept
    client = Client()
    client.force_login(editor, backend=MODEL_BACKEND)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    status, page = get("/communes/oujda/", cookie)
    assert status == "200 OK" and "Oujda" in page
    kept = connection.connection.info.backend_pid

    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        ended = other.execute("SELECT pg_terminate_backend(%s)", [kept]).fetchone()[0]
    assert ended

    status, page = get("/communes/oujda/", cookie)
    assert status == "200 OK" and "Oujda" in page
    assert connection.connection.info.backend_pid != kept  # a new connection was opened
