"""Photos and scanned sheets (issue 11): a pixel limit checked with Pillow, thumbnails on the page.

An image of 20,000 x 20,000 pixels compresses into a small PNG file; it was accepted and shown
in full to every reader. Images are now refused above 40 million pixels before anything is
decoded, with a message next to the field and nothing stored; the session page shows a
thumbnail drawn at upload time, and the original stays downloadable behind the same door.
"""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from communes.records import SessionAttachment
from tests.communes.test_awareness_models import make_session
from tests.files import stored_names

pytestmark = [pytest.mark.django_db, pytest.mark.storage]


@pytest.fixture(autouse=True)
def media_root(media):
    return media


def png_of_size(width, height):
    """A PNG whose header announces that size: what Pillow reads before decoding anything
    (a real one-colour 20,000 x 20,000 PNG is as small, but slow to build in a test)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def photo(width=3000, height=2000, kind="JPEG"):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, kind)
    return out.getvalue()


def address(name, session, **kwargs):
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


def attach(client, session, content, name="photo.jpg", kind="photo"):
    return client.post(
        address("communes:awareness_attachment_add", session),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def stored(storage):
    return stored_names(storage=storage)


@pytest.mark.parametrize(
    "size",
    [
        (20_000, 20_000),  # beyond twice Pillow's own limit: Pillow raises its bomb error
        (10_000, 10_000),  # between Pillow's limit and twice it: Pillow only warns
        (8_000, 6_000),  # under Pillow's limit, over ours
    ],
)
def test_an_image_of_too_many_pixels_is_refused_and_nothing_stored(
    client_for, editor, cycle, media_root, size
):
    session = make_session(cycle)
    response = attach(client_for(editor), session, png_of_size(*size), "grande.png")
    assert response.status_code == 400
    form = response.context["attachment_form"]
    assert form.errors["file"] == [
        "Cette image a plus de 40 millions de pixels (par exemple 8000 x 5000). Réduisez sa "
        "taille, puis joignez-la de nouveau."
    ]
    assert not SessionAttachment.objects.exists()
    assert stored(media_root) == []


def test_a_damaged_image_is_refused_with_a_message(client_for, editor, cycle, media_root):
    session = make_session(cycle)
    client = client_for(editor)
    client.cookies["prim_language"] = "ar"
    # A PNG's signature, then no image at all. (A merely truncated image is drawn with its
    # missing part grey once WeasyPrint is imported: it sets Pillow's LOAD_TRUNCATED_IMAGES.)
    damaged = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    response = attach(client, session, damaged, "abîmée.png")
    assert response.status_code == 400
    assert "تعذرت قراءة هذه الصورة" in response.content.decode()
    assert not SessionAttachment.objects.exists() and stored(media_root) == []


def test_the_session_page_shows_a_thumbnail_and_links_the_original(
    client, client_for, personas, cycle, media_root
):
    session = make_session(cycle)
    original = photo(3000, 2000)
    assert attach(client_for(personas.editor), session, original).status_code == 302
    item = SessionAttachment.objects.get()
    # Stored through the storage, next to the original.
    assert item.thumbnail.name == item.file.name.replace(".jpg", ".thumb.jpg")
    assert set(stored(media_root)) == {item.file.name, item.thumbnail.name}

    thumb_url = address("communes:awareness_attachment_thumbnail", session, attachment=item.uuid)
    file_url = address("communes:awareness_attachment_file", session, attachment=item.uuid)
    page = (
        client_for(personas.viewer)
        .get(address("communes:awareness_detail", session))
        .content.decode()
    )
    assert f'<img src="{thumb_url}"' in page and f'<img src="{file_url}"' not in page
    assert f'href="{file_url}"' in page

    response = client_for(personas.viewer).get(thumb_url)
    assert response["Content-Type"] == "image/jpeg"
    small = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert small.format == "JPEG" and small.size == (480, 320)
    # The original, unchanged, still downloadable through the door.
    response = client_for(personas.viewer).get(file_url)
    assert b"".join(response.streaming_content) == original


def test_the_thumbnail_is_behind_the_same_door(client, client_for, personas, cycle):
    session = make_session(cycle)
    attach(client_for(personas.editor), session, photo(800, 600))
    item = SessionAttachment.objects.get()
    thumb_url = address("communes:awareness_attachment_thumbnail", session, attachment=item.uuid)
    client.logout()
    assert client.get(thumb_url).status_code == 302  # anonymous: to the login page
    for who in ("other_editor", "other_coordinator"):
        assert client_for(getattr(personas, who)).get(thumb_url).status_code == 404
    for who in ("viewer", "coordinator", "national"):
        assert client_for(getattr(personas, who)).get(thumb_url).status_code == 200
    assert client_for(personas.viewer).post(thumb_url).status_code == 405


def test_a_pdf_has_no_thumbnail(client_for, editor, cycle):
    session = make_session(cycle)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert attach(client_for(editor), session, pdf, "feuille.pdf", "sheet").status_code == 302
    item = SessionAttachment.objects.get()
    assert not item.thumbnail
    thumb_url = address("communes:awareness_attachment_thumbnail", session, attachment=item.uuid)
    assert client_for(editor).get(thumb_url).status_code == 404


def test_removing_a_photo_removes_its_thumbnail_too(
    client_for, editor, cycle, media_root, django_capture_on_commit_callbacks
):
    session = make_session(cycle)
    attach(client_for(editor), session, photo(800, 600))
    item = SessionAttachment.objects.get()
    assert len(stored(media_root)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        client_for(editor).post(
            address("communes:awareness_attachment_delete", session, attachment=item.uuid)
        )
    assert stored(media_root) == []
