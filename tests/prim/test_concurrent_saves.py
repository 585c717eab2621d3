"""Two people saving the same score cell at the same moment (issue 11).

On SQLite this ended in "database is locked" (a 500) or in a lost update. Measured here with
two clients in two threads, each with its own database connection, released together by a
barrier, on a database both can reach: on PostgreSQL the test database itself, on SQLite a
file (the test database lives in memory, where locking works differently) holding a copy of
it and opened with the project's settings (WAL, a busy timeout, immediate transactions).
Whatever the order, one save wins and the other is told the cell changed meanwhile.
"""

import sqlite3
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from actions import services
from actions.models import Score
from tests.actions.conftest import build_ideas
from tests.conftest import MODEL_BACKEND

# Committed rows, so that other connections see them; the reference territory is put back
# afterwards (the flush at the end of a transactional test empties every table).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 12


@pytest.fixture
def score_cell(editor, cycle):
    """An idea and a criterion of Oujda's cycle: the cell both clients save, and its address."""
    (idea,) = build_ideas(cycle, 1)
    criterion = services.criteria_ensure(cycle=cycle)[0]
    url = reverse(
        "actions:score",
        kwargs={"code": "oujda", "year": 2022, "uuid": idea.uuid, "kind": criterion.kind},
    )
    return idea, criterion, url


@pytest.fixture
def shared_database(score_cell, tmp_path):
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    path = tmp_path / "shared.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    original = connections.settings["default"]
    connections.settings["default"] = {**original, "NAME": str(path)}
    yield
    connections.settings["default"] = original


def in_threads(*jobs):
    """Run each job in its own thread (so on its own connection), all released at once."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            results[index] = job(barrier.wait)
        except Exception as error:  # reported by the test below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def save_score(editor, url, value, loaded_version):
    def job(ready):
        client = Client(raise_request_exception=False)
        client.force_login(editor, backend=MODEL_BACKEND)
        data = {"value": value, "reason": "", "loaded_version": loaded_version or ""}
        ready()
        response = client.post(url, data)
        return response.status_code, value

    return job


def read_score(idea, criterion):
    return in_threads(
        lambda ready: (
            Score.objects.filter(idea=idea, criterion=criterion)
            .values_list("value", "version")
            .first()
        )
    )[0]


def test_two_saves_of_the_same_score_cell(editor, score_cell, shared_database):
    idea, criterion, url = score_cell
    for round_number in range(ROUNDS):
        value, version = read_score(idea, criterion) or (None, None)
        # Values that differ from the cell's (an unchanged value is not a new version).
        first, second = (0, 1) if round_number % 2 else (2, 3)
        results = in_threads(
            save_score(editor, url, first, version), save_score(editor, url, second, version)
        )
        statuses = sorted(status for status, _value in results)
        # One saved (a redirect back to the grid), the other told it changed meanwhile (409):
        # never a server error, never one save silently over the other.
        assert statuses == [302, 409], (round_number, results)
        (winner,) = [value for status, value in results if status == 302]
        assert read_score(idea, criterion) == (winner, (version or 0) + 1)
