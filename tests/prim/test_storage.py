"""The file store: chosen by STORAGE, reached only through Django's storage API."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, storages

from communes.storage import AtomicFileSystemStorage
from tests.files import read, stored_names

APPS = ("communes", "diagnostics", "actions", "prim")


@pytest.mark.storage
def test_the_suite_runs_on_the_store_that_storage_names(media):
    # CI runs the `storage` tests twice: on a folder, then with STORAGE=memory.
    expected = InMemoryStorage if os.environ.get("STORAGE") == "memory" else AtomicFileSystemStorage
    assert type(storages["default"]) is expected
    name = media.save("a/b.txt", ContentFile(b"one"))
    assert read(name) == b"one" and stored_names() == ["a/b.txt"]


def test_a_folder_store_writes_whole_files_and_never_over_another(tmp_path):
    store = AtomicFileSystemStorage(location=tmp_path)
    first = store.save("annex/x.pdf", ContentFile(b"first"))
    second = store.save("annex/x.pdf", ContentFile(b"second"))
    assert first == "annex/x.pdf" and second != first
    assert (tmp_path / first).read_bytes() == b"first"
    assert (tmp_path / second).read_bytes() == b"second"
    # Nothing left under a temporary name, and readable by the group's other processes.
    assert sorted(p.name for p in (tmp_path / "annex").iterdir()) == sorted(
        [Path(first).name, Path(second).name]
    )
    assert (tmp_path / first).stat().st_mode & 0o777 == 0o644


def test_a_failed_write_leaves_no_temporary_file(tmp_path):
    class Broken(ContentFile):
        def chunks(self, chunk_size=None):
            yield b"half"
            raise OSError("disk full")

    store = AtomicFileSystemStorage(location=tmp_path)
    with pytest.raises(OSError, match="disk full"):
        store.save("annex/y.pdf", Broken(b""))
    assert list((tmp_path / "annex").iterdir()) == []


def test_no_application_code_builds_a_path_from_media_root():
    """Files go through the storage API: MEDIA_ROOT is named only by the settings (and the
    bench, which gives its workers a folder of their own)."""
    offenders = []
    for app in APPS:
        for path in Path(settings.BASE_DIR, app).rglob("*.py"):
            text = path.read_text()
            # The folder store itself (communes/storage.py) is where a path is legitimate.
            skipped = "migrations" in path.parts or "bench" in path.parts
            if path.name in ("settings.py", "storage.py") or skipped:
                continue
            if "MEDIA_ROOT" in text or "default_storage.path(" in text or ".path()" in text:
                offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []


def test_s3_settings_come_from_the_environment():
    env = {
        **os.environ,
        "STORAGE": "s3",
        "S3_BUCKET": "prim-files",
        "S3_ENDPOINT_URL": "https://objects.example.org",
        "S3_REGION": "eu-west-3",
    }
    code = (
        "import json, pytest; from prim import settings as s; "
        "print(json.dumps(s.STORAGES['default']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    storage = __import__("json").loads(out.stdout)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "prim-files"
    assert storage["OPTIONS"]["endpoint_url"] == "https://objects.example.org"
    # Private objects: every download goes through the application's access door.
    assert storage["OPTIONS"]["default_acl"] == "private"


def test_an_unknown_storage_is_refused_at_start():
    env = {**os.environ, "STORAGE": "ftp"}
    out = subprocess.run(
        [sys.executable, "-c", "import pytest; import prim.settings"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0 and "STORAGE must be one of" in out.stderr
