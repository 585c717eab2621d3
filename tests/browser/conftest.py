"""Browser stories: Playwright driving Debian's Chromium against Django's live server.

No browser is ever downloaded: Playwright launches /usr/bin/chromium. Where it is
missing the stories cannot run; with PRIM_REQUIRE_BROWSER=1 (CI) that is an error,
otherwise `make test` leaves this folder out and says so.
"""

import os
import shutil

import pytest
from django.core.management import call_command

from communes.demo import DEMO_PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# the tests themselves are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) is None:
        message = f"Chromium not found at {CHROMIUM}: `apt-get install -y chromium` brings it."
        if os.environ.get("PRIM_REQUIRE_BROWSER") == "1":
            raise pytest.UsageError(message)
        skip = pytest.mark.skip(reason=message)
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A French-speaking desktop by default; tests resize for phone width when they need it.
    return {**browser_context_args, "locale": "fr-MA", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def demo(transactional_db):
    """The demo data, committed, on the live server's database (emptied after each test, then
    given back the migrations' data: see pytest_runtest_teardown in tests/conftest.py)."""
    call_command("load_demo", allow_production=True, stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def login(live_server, demo):
    """``login(page, username)``: log a demo user in through the real login form."""

    def do_login(page, username, password=DEMO_PASSWORD):
        page.goto(f"{live_server.url}/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        return page

    return do_login
