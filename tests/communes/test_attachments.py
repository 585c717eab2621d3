"""Attachments of awareness sessions: checked by content, size-limited, served behind the door."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from communes import services
from communes.records import SessionAttachment
from tests.access_matrix import READ, WRITE
from tests.communes.test_awareness_models import make_session
from tests.files import read, stored_names

pytestmark = [pytest.mark.django_db, pytest.mark.storage]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _image(kind):
    # Real images: Pillow reads every image that arrives (tests/communes/test_photos.py).
    out = io.BytesIO()
    Image.new("RGB", (12, 8), "teal").save(out, kind)
    return out.getvalue()


JPEG = _image("JPEG")
PNG = _image("PNG")


@pytest.fixture(autouse=True)
def media_root(media):
    return media


def url(name, session, **kwargs):
    cycle = session.cycle
    return reverse(
        name,
        kwargs={
            "code": cycle.commune.code,
            "year": cycle.start_year,
            "uuid": session.uuid,
            **kwargs,
        },
    )


def upload(client, session, content, name, kind="sheet"):
    return client.post(
        url("communes:awareness_attachment_add", session),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def stored_files(storage):
    return stored_names(storage=storage)


@pytest.mark.parametrize(
    ("content", "name", "kind", "content_type"),
    [
        (PDF, "feuille de présence.pdf", "sheet", "application/pdf"),
        (JPEG, "photo.jpg", "photo", "image/jpeg"),
        (PNG, "scan.PNG", "sheet", "image/png"),
        (PNG, "photo-renamed.pdf", "photo", "image/png"),  # the content decides, not the name
    ],
)
def test_editor_attaches_pdf_jpeg_and_png(
    client_for, editor, cycle, media_root, content, name, kind, content_type
):
    session = make_session(cycle)
    response = upload(client_for(editor), session, content, name, kind)
    assert response.status_code == 302
    item = SessionAttachment.objects.get()
    assert (item.kind, item.content_type, item.size, item.original_name) == (
        kind,
        content_type,
        len(content),
        name,
    )
    assert read(item.file.name) == content
    assert set(stored_files(media_root)) == {item.file.name} | (
        {item.thumbnail.name} if item.thumbnail else set()
    )
    assert name not in item.file.name  # stored under a random name, outside the static path
    assert item.history.get().history_user == editor


@pytest.mark.parametrize(
    ("content", "name", "kind", "message"),
    [
        (b"MZ\x90\x00 this is a program", "sheet.pdf", "sheet", "Only PDF, JPEG or PNG"),
        (b"<html><script>alert(1)</script>", "photo.png", "photo", "Only PDF, JPEG or PNG"),
        (PDF, "photo.pdf", "photo", "A photo must be a JPEG or PNG image"),
    ],
)
def test_wrong_content_is_refused(
    client_for, editor, cycle, media_root, content, name, kind, message
):
    session = make_session(cycle)
    client = client_for(editor)
    client.cookies["prim_language"] = "en"
    response = upload(client, session, content, name, kind)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'id="id_file"' in html
    assert not SessionAttachment.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_over_10_mb_is_refused(client_for, editor, cycle, media_root):
    session = make_session(cycle)
    client = client_for(editor)
    client.cookies["prim_language"] = "en"
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = upload(client, session, big, "big.pdf")
    assert response.status_code == 400
    assert "the limit is 10 MB" in response.content.decode()
    assert stored_files(media_root) == []


def _attach(session, content=PDF, name="sheet.pdf", kind="sheet", content_type="application/pdf"):
    return services.session_attachment_add(
        session=session,
        kind=kind,
        upload=SimpleUploadedFile(name, content),
        content_type=content_type,
        by=None,
    )


def test_files_are_served_only_to_those_who_may_read_the_commune(
    access, client_for, personas, cycle
):
    session = make_session(cycle)
    pdf = _attach(session)
    photo = _attach(session, PNG, "photo.png", "photo", "image/png")
    pdf_url = url("communes:awareness_attachment_file", session, attachment=pdf.uuid)
    photo_url = url("communes:awareness_attachment_file", session, attachment=photo.uuid)

    seen = access.check(pdf_url, READ, shows=PDF)
    for who in ("viewer", "coordinator", "national", "editor"):
        assert seen[who, "get"].body == PDF
    response = client_for(personas.viewer).get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    response = client_for(personas.viewer).get(photo_url)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")


def test_an_attachment_of_another_session_is_404(client_for, editor, cycle, other_cycle):
    mine = make_session(cycle)
    foreign = _attach(make_session(other_cycle))
    address = url("communes:awareness_attachment_file", mine, attachment=foreign.uuid)
    assert client_for(editor).get(address).status_code == 404


def test_readers_cannot_add_or_remove_files(access, editor, cycle, media_root):
    session = make_session(cycle)
    item = _attach(session)
    access.check(
        url("communes:awareness_attachment_add", session),
        WRITE,
        methods=("post",),
        data=lambda: {"kind": "photo", "file": SimpleUploadedFile("x.png", PNG)},
    )
    delete = url("communes:awareness_attachment_delete", session, attachment=item.uuid)
    access.check(delete, WRITE, methods=("post",))
    # Only the editor added (the photo) and removed (the sheet) anything.
    assert list(SessionAttachment.objects.values_list("original_name", flat=True)) == ["x.png"]
    assert {
        (h.original_name, h.history_type, h.history_user) for h in SessionAttachment.history.all()
    } == {
        ("sheet.pdf", "+", None),
        ("sheet.pdf", "-", editor),
        ("x.png", "+", editor),
    }
    # No file from a refused upload: the editor's photo with its thumbnail, and the sheet (its
    # file goes once the deletion is committed).
    photo = SessionAttachment.objects.get()
    names = {photo.file.name, photo.thumbnail.name, item.file.name}
    assert set(stored_files(media_root)) == names


def test_removing_an_attachment_removes_its_file_after_commit(
    client_for, editor, cycle, media_root, django_capture_on_commit_callbacks
):
    session = make_session(cycle)
    item = _attach(session)
    assert len(stored_files(media_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(
            url("communes:awareness_attachment_delete", session, attachment=item.uuid)
        )
    assert response.status_code == 302
    assert not SessionAttachment.objects.exists()
    assert stored_files(media_root) == []


def test_deleting_a_session_leaves_no_orphan_file(
    client_for, editor, cycle, media_root, django_capture_on_commit_callbacks
):
    session = make_session(cycle)
    _attach(session)
    _attach(session, JPEG, "p.jpg", "photo", "image/jpeg")
    assert len(stored_files(media_root)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(url("communes:awareness_delete", session))
    assert response.status_code == 302
    assert stored_files(media_root) == []


def test_the_detail_page_lists_attachments(client_for, viewer, cycle):
    session = make_session(cycle)
    _attach(session, name="feuille signée.pdf")
    html = client_for(viewer).get(url("communes:awareness_detail", session)).content.decode()
    assert "feuille signée.pdf" in html
    assert 'enctype="multipart/form-data"' not in html  # no upload form for a viewer
