"""Backup and restore drill: ``import_dossier`` reads back what ``export_dossier`` writes.

The round trip on the seven pilot communes of the demo (with attachments): export each, empty
the database (flush, then the migrations' reference data) and the file store, import each,
export again: the dossiers are identical but for their export time, and so are the files.
"""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from communes import services
from communes.dossier import DOSSIER_VERSION, read_archive, write_archive
from communes.images import thumbnail
from communes.models import Commune, PlanningCycle
from communes.records import AwarenessSession, SessionAttachment
from communes.territory import PILOT_CODES
from tests.communes.test_attachments import JPEG, PDF
from tests.factories import FindingFactory
from tests.files import read, stored_names

pytestmark = pytest.mark.storage


def attach_files(commune):
    """A signed sheet (PDF) and a photo (JPEG, with its thumbnail) on the commune's first
    awareness session (one is made when the demo has none)."""
    session = AwarenessSession.objects.filter(cycle__commune=commune).order_by("pk").first()
    if session is None:
        cycle = PlanningCycle.objects.filter(commune=commune).first()
        session = AwarenessSession.objects.create(
            cycle=cycle, date="2022-11-02", place="Salle", format="workshop", facilitator="X"
        )
    # Stored as the upload service stores them (the demo's step 1 may be validated: locked).
    for kind, name, content, content_type in (
        ("sheet", f"feuille {commune.code}.pdf", PDF, "application/pdf"),
        ("photo", "photo.jpg", JPEG, "image/jpeg"),
    ):
        item = SessionAttachment(
            session=session,
            kind=kind,
            original_name=name,
            content_type=content_type,
            size=len(content),
        )
        item.file.save("upload", ContentFile(content), save=False)
        if kind == "photo":
            small = thumbnail(SimpleUploadedFile(name, content), content_type)
            item.thumbnail.save("thumbnail", ContentFile(small), save=False)
        item.save()


def export(code) -> bytes:
    out = io.BytesIO()
    write_archive(Commune.objects.with_territory().get(code=code), out)
    return out.getvalue()


def unpack(archive: bytes) -> tuple[dict, dict]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        dossier = json.loads(z.read("dossier.json"))
        files = {n: z.read(n) for n in z.namelist() if n != "dossier.json"}
    dossier.pop("exported_at")
    return dossier, files


def import_archive(archive: bytes, tmp_path, *options):
    path = tmp_path / "dossier.zip"
    path.write_bytes(archive)
    out = io.StringIO()
    call_command("import_dossier", str(path), *options, stdout=out)
    return out.getvalue()


def empty_database():
    """What a new instance holds: the migrations' reference data, nothing else."""
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


@pytest.mark.django_db(transaction=True)
def test_round_trip_of_the_seven_pilot_communes_into_an_empty_instance(tmp_path, media, settings):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())
    for code in PILOT_CODES:
        attach_files(Commune.objects.get(code=code))
    first = {code: export(code) for code in PILOT_CODES}
    assert len(PILOT_CODES) == 7
    files_before = {name: read(name) for name in stored_names()}
    assert len(files_before) == 3 * 7  # a sheet, a photo and its thumbnail each

    # A lost server: an empty database and an empty file store.
    empty_database()
    settings.STORAGES = {**settings.STORAGES}  # a new, empty store
    settings.MEDIA_ROOT = tmp_path / "new-store"
    assert not PlanningCycle.objects.exists() and stored_names() == []

    for code in PILOT_CODES:
        message = import_archive(first[code], tmp_path)
        assert message.startswith(f"{code}: ") and "3 files imported" in message

    for code in PILOT_CODES:
        before, before_files = unpack(first[code])
        after, after_files = unpack(export(code))
        assert after == before, code
        assert after_files == before_files
        assert before["tables"], code
    # The same files under the same names.
    assert {name: read(name) for name in stored_names()} == files_before
    # Every record is back: e.g. the attachments, with their SHA-256 in the dossier.
    assert SessionAttachment.objects.count() == 14
    sheet = SessionAttachment.objects.filter(kind="sheet").first()
    tables = dict(unpack(first[sheet.session.cycle.commune.code])[0]["tables"])
    entry = next(
        row["file"]
        for row in tables["communes.sessionattachment"]
        if row["file"]["name"] == sheet.file.name
    )
    assert entry["sha256"] == hashlib.sha256(PDF).hexdigest() and entry["size"] == len(PDF)


@pytest.fixture
def oujda_archive(cycle, media):
    """Oujda's dossier with one attachment and one finding."""
    FindingFactory(cycle=cycle)
    session = AwarenessSession.objects.create(
        cycle=cycle, date="2022-11-02", place="Salle", format="workshop", facilitator="X"
    )
    services.session_attachment_add(
        session=session,
        kind="sheet",
        upload=SimpleUploadedFile("f.pdf", PDF),
        content_type="application/pdf",
        by=None,
    )
    return export("oujda")


def rewrite(archive: bytes, change_dossier=None, change_files=None) -> bytes:
    dossier, files = read_archive(io.BytesIO(archive))
    raw = {f"files/{sha}": content for sha, content in files.items()}
    if change_dossier:
        change_dossier(dossier)
    if change_files:
        change_files(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("dossier.json", json.dumps(dossier))
        for name, content in raw.items():
            z.writestr(name, content)
    return out.getvalue()


@pytest.mark.django_db
def test_a_commune_with_data_is_refused_unless_replace(oujda_archive, tmp_path):
    with pytest.raises(CommandError, match=r"'oujda' already has data here .*--replace"):
        import_archive(oujda_archive, tmp_path)
    # Replaced: the same records again, no duplicate, the file kept once.
    message = import_archive(oujda_archive, tmp_path, "--replace")
    assert "replaced" in message
    assert PlanningCycle.objects.filter(commune__code="oujda").count() == 1
    assert SessionAttachment.objects.count() == 1
    assert len(stored_names()) == 1
    assert unpack(export("oujda")) == unpack(oujda_archive)


@pytest.mark.django_db
def test_a_dossier_from_a_newer_version_is_refused(oujda_archive, tmp_path):
    def newer(dossier):
        dossier["version"] = DOSSIER_VERSION + 1

    with pytest.raises(CommandError, match="newer than this instance reads"):
        import_archive(rewrite(oujda_archive, newer), tmp_path, "--replace")
    assert SessionAttachment.objects.count() == 1  # nothing touched


@pytest.mark.django_db
def test_a_file_that_does_not_match_its_hash_is_refused(oujda_archive, tmp_path):
    def tamper(files):
        for name in files:
            files[name] = b"%PDF-1.4 something else"

    with pytest.raises(CommandError, match="does not match its SHA-256"):
        import_archive(rewrite(oujda_archive, change_files=tamper), tmp_path, "--replace")
    assert SessionAttachment.objects.count() == 1 and len(stored_names()) == 1


@pytest.mark.django_db
def test_a_failed_import_changes_nothing_and_leaves_no_file(oujda_archive, tmp_path):
    """A reference the instance does not know, met after the files were stored: all undone."""
    before = unpack(oujda_archive)

    def unknown_sector(dossier):
        for label, rows in dossier["tables"]:
            if label == "communes.sessionattachment":
                for row in rows:
                    row["file"]["name"] = "awareness/elsewhere/f.pdf"  # a new file to store
            if label == "diagnostics.finding":
                rows[0]["sector"] = "no-such-sector"

    broken = rewrite(oujda_archive, unknown_sector)
    with pytest.raises(CommandError, match="'no-such-sector' is not in this instance's ref"):
        import_archive(broken, tmp_path, "--replace")
    assert unpack(export("oujda")) == before
    assert "awareness/elsewhere/f.pdf" not in stored_names()


@pytest.mark.django_db
def test_unreadable_or_missing_files_are_said_plainly(oujda_archive, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a dossier")
    with pytest.raises(CommandError, match="neither a dossier archive nor a JSON dossier"):
        call_command("import_dossier", str(bad))
    with pytest.raises(CommandError, match="No file at"):
        call_command("import_dossier", str(tmp_path / "nowhere.zip"))
    # The JSON alone (no files) of a commune with attachments: told to use the archive.
    dossier, _ = read_archive(io.BytesIO(oujda_archive))
    alone = tmp_path / "oujda.json"
    alone.write_text(json.dumps(dossier))
    with pytest.raises(CommandError, match="not in the archive"):
        call_command("import_dossier", str(alone), "--replace")
