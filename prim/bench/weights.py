"""Page weights and the slow-3G step form, in Chromium against a real server.

The server is gunicorn with DEBUG off, as in production: static files collected into a
temporary STATIC_ROOT by WhiteNoise's ``CompressedManifestStaticFilesStorage`` (hashed names,
gzip and brotli copies made in advance) and served by WhiteNoise with far-future cache
headers. Chromium (Playwright on /usr/bin/chromium) logs in as a commune editor through a
session cookie and loads each page twice in one browser profile:

- first visit: an empty cache; every byte the page loads (HTML, CSS, JS, fonts, images) as
  transferred (Resource Timing ``transferSize``: compressed body plus headers);
- repeat visit: the same page opened again; files WhiteNoise marks immutable come from the
  cache (0 bytes), so what remains is the HTML and whatever is not cached.

Chromium asks for brotli only over HTTPS, so on this plain-HTTP server it gets gzip; the
"brotli" column adds up the brotli copies WhiteNoise would send to a browser over HTTPS (and
the HTML compressed as a reverse proxy would, since Django itself does not compress pages).

Slow 3G: Chrome DevTools network emulation (400 kbit/s both ways, 400 ms latency) on an empty
cache, then a warm one: the time to DOMContentLoaded and to the step form being usable (its
first field visible and accepting typing).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PORT = int(os.environ.get("BENCH_PORT", "8107"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AIM_FIRST_KB = 250
AIM_REPEAT_KB = 30
AIM_SLOW3G_S = 5
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}

SETTINGS_MODULE = """from prim.settings import *  # noqa: F403
import os
from pathlib import Path
STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
"""

ENTRIES_JS = """() => performance.getEntriesByType('navigation').concat(
    performance.getEntriesByType('resource')).map(e => ({
        name: e.name, type: e.initiatorType || 'navigation', transfer: e.transferSize,
        encoded: e.encodedBodySize, decoded: e.decodedBodySize}))"""


def _server_env(workdir: Path, db_url: str, secret_key: str) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")},
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "PYTHONPATH": os.pathsep.join([str(workdir), str(Path.cwd())]),
        "MEDIA_ROOT": str(workdir / "media"),
    }


def _db_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _editor_session(commune):
    """A commune editor and a logged-in session cookie for them (stored in the database)."""
    from django.conf import settings
    from django.test import Client

    from communes.models import Membership, Role, User

    user, _created = User.objects.get_or_create(username=f"bench-editor-{commune.code}")
    Membership.objects.get_or_create(user=user, role=Role.EDITOR, commune=commune)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "domain": "127.0.0.1",
        "path": "/",
    }


def _brotli_size(static_root: Path, url_path: str, fallback: int) -> int:
    prefix = "/static/"
    if not url_path.startswith(prefix):
        return fallback
    compressed = static_root / (url_path[len(prefix) :] + ".br")
    return compressed.stat().st_size if compressed.exists() else fallback


def _visit(page, url: str):
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, (url, response and response.status)
    page.wait_for_timeout(300)  # late resources (fonts) land in the timeline
    return page.evaluate(ENTRIES_JS), response.body()


def _sum(entries, static_root: Path, html: bytes):
    from urllib.parse import urlparse

    transfer = sum(e["transfer"] for e in entries)
    brotli = 0
    for e in entries:
        if e["type"] == "navigation":
            if e["transfer"]:
                brotli += len(gzip.compress(html, 6)) + (e["transfer"] - e["encoded"])
        elif e["transfer"]:
            path = urlparse(e["name"]).path
            brotli += _brotli_size(static_root, path, e["encoded"]) + (e["transfer"] - e["encoded"])
    return transfer, brotli


def _short(entry) -> str:
    """``bootstrap.min.css`` for a hashed static file, ``HTML`` for the page itself."""
    if entry["type"] == "navigation":
        return "HTML"
    name = entry["name"].rsplit("/", 1)[-1].split("?")[0]
    parts = name.split(".")
    if len(parts) > 2 and len(parts[-2]) == 12:  # the manifest's hash
        parts.pop(-2)
    return ".".join(parts)


def run(workdir: Path, out=print) -> dict:
    from django.conf import settings

    from communes.models import StepStatus

    if shutil.which(CHROMIUM) is None:
        out(f"page weights and slow 3G: NOT measured (Chromium not found at {CHROMIUM})")
        return {}
    if not _port_free(PORT):
        out(f"page weights and slow 3G: NOT measured (port {PORT} is taken)")
        return {}
    # A commune whose step 1 is open for editing (the step form needs it).
    status = (
        StepStatus.objects.filter(
            step=1,
            status__in=["in_progress", "not_started"],
            cycle__commune__code__startswith="bench-",
        )
        .select_related("cycle__commune")
        .order_by("cycle__commune__code")
        .first()
    )
    commune, year = status.cycle.commune, status.cycle.start_year
    cookie = _editor_session(commune)

    (workdir / "bench_settings.py").write_text(SETTINGS_MODULE)
    env = _server_env(workdir, _db_url(), settings.SECRET_KEY)
    static_root = workdir / "static"
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
        cwd=settings.BASE_DIR,
    )
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable, "-m", "gunicorn", "prim.wsgi", "--bind", f"127.0.0.1:{PORT}",
            "--workers", "2", "--log-level", "warning",
        ],
        env=env,
        cwd=settings.BASE_DIR,
    )  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    cycle_url = f"/communes/{commune.code}/pac/{year}"
    pages = [
        ("commune page", f"/communes/{commune.code}/"),
        ("step page (step 1, awareness)", f"{cycle_url}/awareness/"),
        ("step form (new awareness session)", f"{cycle_url}/awareness/new/"),
    ]
    results = {}
    try:
        _wait_for(f"{base}/health/")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            out(
                f"page weights, {commune.code} as its editor "
                f"(aims: first visit < {AIM_FIRST_KB} KB, repeat < {AIM_REPEAT_KB} KB)"
            )
            out(
                f"{'page':<36} {'first KB':>9} {'br KB':>7} {'repeat KB':>10} {'br KB':>7} "
                f"{'files':>6}  heaviest (KB transferred)"
            )
            for label, path in pages:
                context = browser.new_context(locale="fr-MA")
                context.add_cookies([{**cookie}])
                page = context.new_page()
                first, html = _visit(page, base + path)
                again, html_again = _visit(page, base + path)
                context.close()
                first_t, first_br = _sum(first, static_root, html)
                again_t, again_br = _sum(again, static_root, html_again)
                heavy = sorted(first, key=lambda e: -e["transfer"])[:3]
                names = ", ".join(f"{_short(e)} {e['transfer'] / 1024:.0f}" for e in heavy)
                out(
                    f"{label:<36} {first_t / 1024:>9.1f} {first_br / 1024:>7.1f} "
                    f"{again_t / 1024:>10.1f} {again_br / 1024:>7.1f} {len(first):>6}  {names}"
                )
                results[label] = {
                    "first": first_t,
                    "first_br": first_br,
                    "repeat": again_t,
                    "repeat_br": again_br,
                    "files": [{k: e[k] for k in ("name", "transfer", "encoded")} for e in first],
                }
            out(
                "(KB = 1,024 bytes transferred, headers included; 'br' = with the brotli copies "
                "served over HTTPS and the HTML compressed by the proxy)"
            )

            # Slow 3G: the step form, cold then warm cache.
            out("")
            out(
                f"slow 3G (400 kbit/s, 400 ms latency), step form of {commune.code} "
                f"(aim: usable < {AIM_SLOW3G_S} s)"
            )
            out(f"{'cache':<36} {'DOMContentLoaded s':>19} {'form usable s':>14} {'load s':>8}")
            context = browser.new_context(locale="fr-MA")
            context.add_cookies([{**cookie}])
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            for label in ("first visit (empty cache)", "repeat visit (cached files)"):
                start = time.perf_counter()
                page.goto(base + pages[2][1], wait_until="domcontentloaded")
                dcl = time.perf_counter() - start
                field = page.locator("main form input:visible, main form textarea:visible").first
                field.fill("2022-09-15" if field.get_attribute("type") == "date" else "x")
                usable = time.perf_counter() - start
                page.wait_for_load_state("load")
                loaded = time.perf_counter() - start
                out(f"{label:<36} {dcl:>19.2f} {usable:>14.2f} {loaded:>8.2f}")
                results[f"slow3g {label}"] = {"dcl": dcl, "usable": usable, "load": loaded}
            context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(20)
    (workdir / "weights.json").write_text(json.dumps(results, indent=1))
    return results
