"""Where files live: always through Django's storage API (``default_storage``).

Attachments, their thumbnails and the built PAC annexes are saved, read, listed and deleted
through the storage API only, never through a path built from ``MEDIA_ROOT``: the same code
runs on a local folder (one machine, or a folder every machine mounts), on an S3-compatible
object store (django-storages, ``STORAGE=s3``) and on Django's ``InMemoryStorage`` (the test
suite's ``STORAGE=memory`` run proves it). Files are never served from the storage's URL: every
download goes through a view that checks the reader's territory.

``AtomicFileSystemStorage`` is the local folder, with one promise more than Django's: a file
appears under its name complete or not at all (written to a ``.tmp-`` name beside it, flushed,
then renamed). A worker killed while writing leaves only a ``.tmp-`` file, which no listing
serves. Object stores give the same promise by themselves (an object exists once uploaded).
"""

from __future__ import annotations

import os
import tempfile

from django.core.files.move import file_move_safe
from django.core.files.storage import FileSystemStorage

TEMPORARY_PREFIX = ".tmp-"
DEFAULT_FILE_MODE = 0o644


class AtomicFileSystemStorage(FileSystemStorage):
    """A ``FileSystemStorage`` whose ``save`` never shows a half-written file."""

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        if self.directory_permissions_mode is not None:
            os.chmod(directory, self.directory_permissions_mode)
        handle, temporary = tempfile.mkstemp(
            dir=directory, prefix=f"{TEMPORARY_PREFIX}{os.path.basename(name)}-"
        )
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                out.flush()
                os.fsync(out.fileno())
            name, full_path = self._publish(temporary, name, full_path)
        except Exception:
            # A failure cleans up; a killed process (no exception) leaves the .tmp- file.
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        # mkstemp makes the file private to its writer; web processes and workers may run
        # under other users of the same group.
        mode = self.file_permissions_mode
        os.chmod(full_path, DEFAULT_FILE_MODE if mode is None else mode)
        return str(name).replace("\\", "/")

    def _publish(self, temporary, name, full_path):
        """Give the written file its name, never over another file (Django's promise: a name
        taken meanwhile gets another, as ``FileSystemStorage`` does)."""
        while True:
            try:
                os.link(temporary, full_path)
            except FileExistsError:
                name = self.get_available_name(name)
                full_path = self.path(name)
                continue
            except OSError:
                # A file system without hard links: a rename, atomic on one file system.
                if os.path.exists(full_path):
                    name = self.get_available_name(name)
                    full_path = self.path(name)
                    continue
                file_move_safe(temporary, full_path, allow_overwrite=False)
                return name, full_path
            os.unlink(temporary)
            return name, full_path
