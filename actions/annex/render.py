"""Rendering of the PAC annex with WeasyPrint, and the cache of generated PDFs.

WeasyPrint fetches what the HTML points at (images, stylesheets). The annex's HTML
carries user text (escaped by the template engine, but a typed URL stays a URL),
so the fetcher refuses everything except the application's own static files,
looked up with Django's staticfiles finders: no ``file:``, no ``http(s):``, no
``data:``. A refused resource is left out of the PDF and logged; it never fails
the document.

The store: a built PDF is kept under ``annex-cache/<cycle uuid>/`` in the default storage
(shared by every process and machine: a shared folder or an object store), named after a
fingerprint of the data the annex shows, its language, the templates and the translations.
Any change to what the annex would show changes the fingerprint, so a stale PDF is never
served as up to date; the older file of the same cycle and language stays until the new one
is written, to be offered as "the previous version".
Builds run in background workers (``actions.annex.tasks``), never in a web request.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template import Context, Engine
from django.template.backends.django import get_installed_libraries
from django.utils import translation

from communes import numbers, steps

from . import LANGUAGES
from .data import AnnexData

logger = logging.getLogger(__name__)
# WeasyPrint logs every step at INFO (from its import on); the application keeps its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

# The document's own origin: a reserved name (RFC 2606) that can never resolve, so a
# relative URL in the HTML can only ever point at our static files.
BASE_URL = "https://annex.prim.invalid/"
STATIC_PREFIX = "/static/"
TEMPLATE = "actions/annex/annex.html"
TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates" / "actions" / "annex"
CACHE_DIRNAME = "annex-cache"
PDF_VARIANT = "pdf/ua-1"

CONTENT_TYPES = {
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


class RefusedURL(ValueError):
    """A URL the annex may not fetch."""


def static_path_for(url: str) -> Path:
    """The file behind one of our own static URLs, or ``RefusedURL``.

    Only ``<BASE_URL>static/<path>`` is accepted, and ``<path>`` must be found by the
    staticfiles finders, without any ``..`` or absolute component.
    """
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        raise RefusedURL(f"not the application's own static files: {url[:80]}")
    path = unquote(parts.path)
    if not path.startswith(STATIC_PREFIX):
        raise RefusedURL(f"not under {STATIC_PREFIX}: {url[:80]}")
    relative = path[len(STATIC_PREFIX) :]
    segments = relative.split("/")
    if not relative or any(s in ("", ".", "..") for s in segments) or "\\" in relative:
        raise RefusedURL(f"not a plain static path: {url[:80]}")
    if Path(relative).suffix.lower() not in CONTENT_TYPES:
        raise RefusedURL(f"not a stylesheet, image or font: {url[:80]}")
    found = finders.find(relative)
    if not found:
        raise RefusedURL(f"no such static file: {url[:80]}")
    return Path(found)


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher, narrowed to the application's static files."""

    def __init__(self):
        super().__init__(allowed_protocols=("https",), allow_redirects=False, timeout=1)

    def fetch(self, url, headers=None):
        try:
            path = static_path_for(url)
        except RefusedURL:
            logger.warning("PAC annex: refused to fetch %r", url[:200])
            raise
        return URLFetcherResponse(
            url,
            body=path.read_bytes(),
            headers={"Content-Type": CONTENT_TYPES[path.suffix.lower()]},
        )


@cache
def _engine() -> Engine:
    """The annex's own template engine: the project's templates plus ``{% load annex %}``.

    Its filters live in this package, not in an app's ``templatetags``, so the web
    pages' engine never sees them.
    """
    return Engine(
        dirs=[str(Path(settings.BASE_DIR) / "templates")],
        libraries={**get_installed_libraries(), "annex": "actions.annex.tags"},
        autoescape=True,
    )


def render_html(data: AnnexData, language: str) -> str:
    with translation.override(language):
        template = _engine().get_template(TEMPLATE)
        return template.render(Context({"annex": data, "language": language}))


def html_to_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(
        pdf_variant=PDF_VARIANT,
        # The document's title and language go into the metadata (PDF/UA asks for both).
        custom_metadata=True,
    )


def render_annex(data: AnnexData, language: str) -> bytes:
    """The annex as PDF bytes, without the store."""
    return html_to_pdf(render_html(data, language))


# --- Cache ---------------------------------------------------------------------------------------


@cache
def _templates_fingerprint() -> str:
    """Changes with the annex's templates, its code or the format modules: a deploy never
    serves old PDFs."""
    digest = hashlib.sha256()
    code = [Path(__file__).with_name(name) for name in ("render.py", "data.py", "tags.py")]
    # Figures, money, dates and French/Arabic pairs print through the shared kernel.
    code += [Path(numbers.__file__), Path(steps.__file__)]
    # Dates and numbers print through the language's format module (prim/formats).
    for module in settings.FORMAT_MODULE_PATH:
        folder = Path(settings.BASE_DIR, *module.split("."))
        code += sorted(folder.rglob("*.py"))
    for path in sorted(TEMPLATE_DIR.glob("*")) + code:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def _catalogue_fingerprint(language: str) -> str:
    """Changes when the compiled translations change (a label of the annex may have moved)."""
    digest = hashlib.sha256()
    for folder in settings.LOCALE_PATHS:
        path = Path(folder) / language / "LC_MESSAGES" / "django.mo"
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fingerprint(data: AnnexData, language: str) -> str:
    """A digest of everything the annex shows: same digest, same PDF."""
    payload = json.dumps(
        data.as_json(), sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":")
    )
    digest = hashlib.sha256()
    for part in (payload, language, _templates_fingerprint(), _catalogue_fingerprint(language)):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class Built:
    """One PDF kept in the store: its storage name, the fingerprint it was built for, when."""

    name: str
    key: str
    built_at: datetime.datetime


def _prefix(cycle_uuid, language: str) -> str:
    return f"{cycle_uuid}-{language}-"


def _folder(cycle_uuid) -> str:
    # One folder per cycle: a page lists a few files, not the country's (an object store
    # lists 1,000 names a request).
    return f"{CACHE_DIRNAME}/{cycle_uuid}"


def stored_name(cycle_uuid, language: str, key: str) -> str:
    return f"{_folder(cycle_uuid)}/{_prefix(cycle_uuid, language)}{key}.pdf"


def current_key(data: AnnexData, language: str) -> str:
    with translation.override(language):
        return fingerprint(data, language)


def built_versions(cycle_uuid, language: str) -> list[Built]:
    """The PDFs kept for this cycle and language, newest first (usually one; two while a
    new build replaces the old). Half-written files (``.tmp-*``) are never listed."""
    prefix = _prefix(cycle_uuid, language)
    folder = _folder(cycle_uuid)
    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    versions = []
    for filename in names:
        if filename.startswith(prefix) and filename.endswith(".pdf"):
            name = f"{folder}/{filename}"
            try:
                built_at = default_storage.get_modified_time(name)
            except FileNotFoundError:
                continue  # replaced between the listing and now
            versions.append(Built(name, filename[len(prefix) : -len(".pdf")], built_at))
    return sorted(versions, key=lambda built: built.built_at, reverse=True)


def build(data: AnnexData, language: str, *, progress=None) -> tuple[str, bool]:
    """Make sure the PDF of ``data`` exists in the store: ``(name, built_now)``.

    Runs in a worker (``actions.annex.tasks``), one build per cycle and language at a time
    (the ``communes.Job`` row). The storage writes a file whole or not at all: a worker killed
    mid-write leaves at most a ``.tmp-*`` file (local folder), which is never served and is
    removed by the next build.
    """
    if language not in LANGUAGES:
        raise ValueError(f"The annex exists in {LANGUAGES}, not {language!r}.")
    key = current_key(data, language)
    name = stored_name(data.cycle_uuid, language, key)
    if default_storage.exists(name):
        return name, False
    if progress:
        progress("render")
    pdf = render_annex(data, language)
    if progress:
        progress("store")
    # Written complete or not at all: the storage promises it (``communes.storage``: a local
    # folder writes a ``.tmp-`` file and renames it; an object store uploads whole objects).
    saved = default_storage.save(name, ContentFile(pdf))
    if saved != name:
        # Another build of the same content won the race: keep the one under the right name.
        default_storage.delete(saved)
    prefix = _prefix(data.cycle_uuid, language)
    folder = _folder(data.cycle_uuid)
    # Older versions go, and so does what a killed worker left half-written.
    for filename in default_storage.listdir(folder)[1]:
        if filename.startswith((prefix, f".tmp-{prefix}")) and name != f"{folder}/{filename}":
            default_storage.delete(f"{folder}/{filename}")
    return name, True
