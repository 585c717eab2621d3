"""Personas, created per test on the reference territory shipped by the migrations.

- ``editor``: editor of Oujda (Oriental); ``viewer``: viewer of Oujda;
- ``other_editor``: editor of Sidi Bibi (Souss-Massa), an outsider to Oujda;
- ``coordinator``: coordinator of the Oriental; ``other_coordinator``: of Souss-Massa;
- ``national``: national administrator.
Every pilot commune has a PAC cycle 2022-2027 (fixtures ``cycle`` and ``other_cycle``).
"""

from dataclasses import dataclass

import pytest

from communes.models import Commune, Membership, Region, Role
from tests.factories import UserFactory, open_cycle

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


def _member(username, role, commune=None, region=None):
    user = UserFactory(username=username, first_name=username.split(".")[0].title())
    Membership.objects.create(user=user, role=role, commune=commune, region=region)
    return user


@pytest.fixture
def editor(oujda):
    return _member("editor.oujda", Role.EDITOR, commune=oujda)


@pytest.fixture
def viewer(oujda):
    return _member("viewer.oujda", Role.VIEWER, commune=oujda)


@pytest.fixture
def other_editor(sidi_bibi):
    return _member("editor.sidi-bibi", Role.EDITOR, commune=sidi_bibi)


@pytest.fixture
def coordinator(oriental):
    return _member("coord.oriental", Role.COORDINATOR, region=oriental)


@pytest.fixture
def other_coordinator(souss):
    return _member("coord.souss", Role.COORDINATOR, region=souss)


@pytest.fixture
def national(db):
    return _member("national.admin", Role.NATIONAL)


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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser stories run last: the live server's flush empties the reference territory
    that the migrations put in the test database, which every other test reads.

    Tests marked ``postgresql`` are deselected (not skipped) on another database: they test
    PostgreSQL itself, and CI runs the suite on PostgreSQL, where they run."""
    if not _on_postgresql():
        deselected = [item for item in items if item.get_closest_marker("postgresql")]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if item not in deselected]
    items.sort(key=lambda item: "/tests/browser/" in item.path.as_posix())


def _on_postgresql() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_report_header(config):
    if not _on_postgresql():
        return "tests marked 'postgresql' deselected: DATABASE_URL is not a PostgreSQL database"
