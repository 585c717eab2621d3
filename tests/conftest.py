"""Personas, created per test on the reference territory shipped by the migrations.

- ``editor``: editor of Oujda (Oriental); ``viewer``: viewer of Oujda;
- ``other_editor``: editor of Sidi Bibi (Souss-Massa), an outsider to Oujda;
- ``coordinator``: coordinator of the Oriental; ``other_coordinator``: of Souss-Massa;
- ``national``: national administrator.
Every pilot commune has a PAC cycle 2022-2027 (fixtures ``cycle`` and ``other_cycle``).
"""

from dataclasses import dataclass

import pytest

from communes.models import Commune, Region
from tests.access_matrix import AccessMatrix
from tests.factories import MembershipFactory, open_cycle

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def oujda(db):
    return Commune.objects.get(code="oujda")


@pytest.fixture
def sidi_bibi(db):
    return Commune.objects.get(code="sidi-bibi")


@pytest.fixture
def oriental(db):
    return Region.objects.get(code="02")


@pytest.fixture
def souss(db):
    return Region.objects.get(code="09")


def _member(username, **role):
    first_name = username.split(".")[0].title()
    return MembershipFactory(user__username=username, user__first_name=first_name, **role).user


@pytest.fixture
def editor(oujda):
    return _member("editor.oujda", commune=oujda)


@pytest.fixture
def viewer(oujda):
    return _member("viewer.oujda", viewer=True, commune=oujda)


@pytest.fixture
def other_editor(sidi_bibi):
    return _member("editor.sidi-bibi", commune=sidi_bibi)


@pytest.fixture
def coordinator(oriental):
    return _member("coord.oriental", coordinator=True, region=oriental)


@pytest.fixture
def other_coordinator(souss):
    return _member("coord.souss", coordinator=True, region=souss)


@pytest.fixture
def national(db):
    return _member("national.admin", national=True)


@pytest.fixture
def cycle(oujda):
    return open_cycle(oujda, 2022)


@pytest.fixture
def other_cycle(sidi_bibi):
    return open_cycle(sidi_bibi, 2022)


@dataclass
class Personas:
    editor: object
    viewer: object
    other_editor: object
    coordinator: object
    other_coordinator: object
    national: object


@pytest.fixture
def personas(editor, viewer, other_editor, coordinator, other_coordinator, national):
    return Personas(editor, viewer, other_editor, coordinator, other_coordinator, national)


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client logged in as that user."""

    def login(user):
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return login


@pytest.fixture
def access(client, personas):
    """The authorization matrix of tests/access_matrix.py, with these personas."""
    return AccessMatrix(client, vars(personas), MODEL_BACKEND)


@pytest.fixture
def _migrations_data_restored(django_db_blocker):
    """After the flush that ends a transactional test, the rows the migrations wrote come back."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        # Django serialised these rows when it created the test database (asked for by
        # django_db_serialized_rollback) and reloads them at the start of such a test.
        contents = getattr(connection, "_test_serialized_contents", None)
        assert contents is not None, (
            "Request transactional_db in the test or in a fixture it uses (not only "
            "live_server), so that the test database keeps the migrations' data"
        )
        connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def transactional_db(_migrations_data_restored, django_db_serialized_rollback, transactional_db):
    """pytest-django's transactional_db (the live server's), which empties the database at the
    end (flush); here the reference data of the data migrations (territory, reference lists,
    content types, permissions) is put back before the next test, whatever it is."""


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Transactional tests (the browser stories) run first, on purpose: every test after them
    then checks that their flush no longer takes the reference data with it."""
    items.sort(key=lambda item: not {"transactional_db", "live_server"} & set(item.fixturenames))
