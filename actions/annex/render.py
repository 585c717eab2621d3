"""Rendering of the PAC annex with WeasyPrint, and the cache of generated PDFs.

WeasyPrint fetches what the HTML points at (images, stylesheets). The annex's HTML
carries user text (escaped by the template engine, but a typed URL stays a URL),
so the fetcher refuses everything except the application's own static files,
looked up with Django's staticfiles finders: no ``file:``, no ``http(s):``, no
``data:``. A refused resource is left out of the PDF and logged; it never fails
the document.

The cache: a PDF is stored under ``MEDIA_ROOT/annex-cache/`` (shared by every
worker process), named after a fingerprint of the data the annex shows, its
language and the templates. Any change to what the annex would show changes the
fingerprint, so a stale PDF is never served; the older files of the same cycle
and language are removed when a new one is written. Builds of one cycle and language
take turns behind a file lock (a second request waits for the first build and reuses
it), and ``prepare_in_background`` builds the other language after a download.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import json
import logging
import os
import tempfile
import threading
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template import Context, Engine
from django.template.backends.django import get_installed_libraries
from django.utils import translation

from . import LANGUAGES
from .data import AnnexData, gather_annex

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


_gc_lock = threading.Lock()
_gc_pausers = 0  # builds under way in this process
_gc_was_enabled = False


@contextmanager
def cyclic_gc_paused():
    """Pause Python's cycle collector while WeasyPrint works.

    A 40-action annex makes WeasyPrint allocate millions of small objects (boxes, styles,
    text runs); each allocation burst sets off a collection that walks every live object
    of the process, Django's included. Measured by ``make bench``: a quarter of the build
    time. Reference counting still frees what is no longer used; the cycles left are
    collected when the last build of the process ends (the youngest generation only: they
    are all there, and the rest of the process is not walked again), rather
    than by whichever request the process serves next. Builds may overlap in threads: the
    first one in pauses the collector, the last one out resumes it.
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()
                gc.collect(0)


def _write_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(
        pdf_variant=PDF_VARIANT,
        # The document's title and language go into the metadata (PDF/UA asks for both).
        custom_metadata=True,
    )


def html_to_pdf(html: str) -> bytes:
    # The document and its boxes are gone when the collector resumes (see above).
    with cyclic_gc_paused():
        return _write_pdf(html)


def render_annex(data: AnnexData, language: str) -> bytes:
    """The annex as PDF bytes, without cache."""
    return html_to_pdf(render_html(data, language))


# --- Cache ---------------------------------------------------------------------------------------


@cache
def _templates_fingerprint() -> str:
    """Changes with the annex's templates (or this code): a deploy never serves old PDFs."""
    digest = hashlib.sha256()
    code = [Path(__file__).with_name(name) for name in ("render.py", "data.py", "tags.py")]
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


def cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / CACHE_DIRNAME


def _cache_prefix(data: AnnexData, language: str) -> str:
    return f"{data.cycle_uuid}-{language}-"


def cached_annex(cycle, language: str) -> tuple[bytes, AnnexData, bool]:
    """The annex PDF of a cycle in a language: ``(pdf, data, served_from_cache)``."""
    if language not in LANGUAGES:
        raise ValueError(f"The annex exists in {LANGUAGES}, not {language!r}.")
    data = gather_annex(cycle)
    pdf, from_cache = cached_pdf(data, language)
    return pdf, data, from_cache


@contextmanager
def _exclusive(path: Path):
    """An exclusive lock on ``path``, shared by every process of this host.

    The kernel releases it if the process dies, so a killed worker never blocks the others.
    """
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def cached_pdf(data: AnnexData, language: str) -> tuple[bytes, bool]:
    """The PDF for ``data``: from the cache, or built once and stored. ``(pdf, from_cache)``."""
    with translation.override(language):
        key = fingerprint(data, language)
    folder = cache_dir()
    prefix = _cache_prefix(data, language)
    target = folder / f"{prefix}{key}.pdf"
    try:
        return target.read_bytes(), True
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    # One build at a time per cycle and language: a double click, or two people opening the
    # annex after a change, wait for the build under way instead of starting another one
    # (each takes seconds of CPU on a small server).
    with _exclusive(folder / f".{prefix}lock"):
        try:
            return target.read_bytes(), True
        except FileNotFoundError:
            pass
        pdf = render_annex(data, language)
        # Written aside, then renamed: a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".tmp-{prefix}", suffix=".pdf")
        with os.fdopen(handle, "wb") as out:
            out.write(pdf)
        os.replace(temporary, target)
        # Older versions go; so does a half-written file of a process killed mid-write
        # (every write of this cycle and language happens under the lock held here).
        leftovers = [*folder.glob(f"{prefix}*.pdf"), *folder.glob(f".tmp-{prefix}*.pdf")]
        for old in leftovers:
            if old != target:
                old.unlink(missing_ok=True)
    return pdf, False


def prepare_in_background(data: AnnexData, languages) -> threading.Thread:
    """Build the annex of ``data`` in ``languages``, for the cache, in a background thread.

    Works from ``data`` alone (no database). A request for one of these languages that comes
    while the build is under way waits for it (the lock above) instead of building it twice.
    A failure is logged, never raised: nobody is waiting for this build.
    """

    def build():
        for language in languages:
            try:
                cached_pdf(data, language)
            except Exception:
                logger.exception("PAC annex: background build failed (%s)", language)

    thread = threading.Thread(target=build, name="annex-prepare", daemon=True)
    thread.start()
    return thread
