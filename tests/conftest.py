"""Personas, created per test on the reference territory shipped by the migrations.

- ``editor``: editor of Oujda (Oriental); ``viewer``: viewer of Oujda;
- ``other_editor``: editor of Sidi Bibi (Souss-Massa), an outsider to Oujda;
- ``coordinator``: coordinator of the Oriental; ``other_coordinator``: of Souss-Massa;
- ``national``: national administrator; ``province_reader``: reader of the Oujda-Angad
  prefecture (the governor's services).
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
def province_reader(oujda):
    return _member("province.oujda", province_reader=True, province=oujda.province)


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
    province_reader: object


@pytest.fixture
def personas(
    editor, viewer, other_editor, coordinator, other_coordinator, national, province_reader
):
    return Personas(
        editor, viewer, other_editor, coordinator, other_coordinator, national, province_reader
    )


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
def media(settings, tmp_path):
    """An empty file store for this test: a folder of its own, or a new ``InMemoryStorage``
    when the suite runs with ``STORAGE=memory`` (tests/files.py). Returns the storage."""
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path / "media"
    # Set again (same value) so that Django builds a new, empty storage for this test.
    settings.STORAGES = {**settings.STORAGES, "default": dict(settings.STORAGES["default"])}
    return default_storage


def _is_transactional(item):
    """Tests whose writes are committed (the live server's, ``django_db(transaction=True)``):
    Django empties the whole database after each of them (flush)."""
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    transaction, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
    fixtures = {"transactional_db", "live_server"} & set(item.fixturenames)
    return bool(transaction or reset_sequences or fixtures)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Transactional tests ask Django to serialise the database the migrations made (reference
    territory and lists, content types, permissions) and run first, on purpose: every test
    after them checks that their flush no longer takes that data with it.

    Tests marked ``postgresql`` are deselected (not skipped) on another database: they test
    PostgreSQL itself, and CI runs the suite on PostgreSQL, where they run. Likewise ``redis``
    (RQ and the Redis cache) without TEST_REDIS_URL, and ``multiprocess`` (several servers
    sharing PostgreSQL and Redis) unless both are there: CI provides them."""
    from pytest_django.fixtures import validate_django_db

    deselected = [item for item in items if not _can_run(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]

    for item in items:
        if _is_transactional(item):
            marker = item.get_closest_marker("django_db")
            _, reset_sequences, databases, _, available_apps = (
                validate_django_db(marker) if marker else (None, False, None, None, None)
            )
            serialized = pytest.mark.django_db(
                transaction=True,
                reset_sequences=reset_sequences,
                databases=databases,
                serialized_rollback=True,
                available_apps=available_apps,
            )
            item.add_marker(serialized, append=False)
    items.sort(key=lambda item: not _is_transactional(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the flush that ends a transactional test, the migrations' data comes back (Django
    itself reloads it only at the start of the next serialized-rollback test). Not after the
    session's last test: the test database is gone by then."""
    try:
        return (yield)
    finally:
        from django.db import connection

        # Only ever into the test database, once Django has created and serialised it.
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None and _is_transactional(item) and nextitem is not None:
            from pytest_django.plugin import blocking_manager_key

            with item.config.stash[blocking_manager_key].unblock():
                connection.creation.deserialize_db_from_string(contents)
                _sequences_past_the_rows(connection)


def _sequences_past_the_rows(connection):
    """The reloaded rows keep their ids; on PostgreSQL a flush that reset the sequences (the
    restore drill's) would then give a new row an id already taken. Move every sequence past
    its table's rows, as ``loaddata`` does."""
    from django.apps import apps
    from django.core.management.color import no_style

    tables = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
    statements = connection.ops.sequence_reset_sql(no_style(), tables)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _can_run(item) -> bool:
    import os

    if item.get_closest_marker("postgresql") and not _on_postgresql():
        return False
    if item.get_closest_marker("redis") and not os.environ.get("TEST_REDIS_URL"):
        return False
    if item.get_closest_marker("multiprocess"):
        return _on_postgresql() and bool(os.environ.get("TEST_REDIS_URL"))
    return True


def _on_postgresql() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_report_header(config):
    import os

    lines = []
    if not _on_postgresql():
        lines.append(
            "tests marked 'postgresql' and 'multiprocess' deselected: DATABASE_URL is not a "
            "PostgreSQL database"
        )
    if not os.environ.get("TEST_REDIS_URL"):
        lines.append("tests marked 'redis' and 'multiprocess' deselected: TEST_REDIS_URL is unset")
    return lines
