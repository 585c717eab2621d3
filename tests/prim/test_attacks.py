"""What an attacker tried, found in issue 11: each must answer sensibly, never a 500.

- behind the reverse proxy, the lock-out on wrong passwords follows the real client address
  (from the trusted proxies' ``X-Forwarded-For``), never the proxy's nor a spoofed one;
- a NUL character in a search, a request in a charset other than UTF-8 (Python would decode
  it with "rot13" or "punycode"), a choice id beyond 64 bits.
"""

import io
import sys

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the reverse proxy, the only peer the application sees
ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.7"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def through_proxy(client, path, data, client_address, spoofed=None):
    """A POST as the proxy forwards it: it appends the address it received the request from
    to whatever X-Forwarded-For the client sent."""
    forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
    return client.post(path, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def fail_logins(path, address, times, spoofed=None):
    client = Client()
    for number in range(times):
        fake = spoofed(number) if callable(spoofed) else spoofed
        through_proxy(client, path, {"username": "editor.oujda", "password": "no"}, address, fake)


def login(address, password=PASSWORD, path="/login/", spoofed=None):
    data = {"username": "editor.oujda", "password": password}
    return through_proxy(Client(), path, data, address, spoofed)


def test_an_attacker_behind_the_proxy_does_not_lock_out_the_owner(
    editor, cycle, settings, behind_one_proxy
):
    fail_logins("/login/", ATTACKER, settings.AXES_FAILURE_LIMIT)
    assert login(ATTACKER).status_code == 429  # the attacker is locked out...
    response = login(COLLEAGUE)  # ...the owner, at another address, still logs in
    assert response.status_code == 302 and response.url == "/"


def test_a_spoofed_forwarded_address_neither_bypasses_nor_shifts_a_lock(
    editor, cycle, settings, behind_one_proxy
):
    # Each try claims another address in X-Forwarded-For: the proxy's entry still counts.
    fail_logins("/login/", ATTACKER, settings.AXES_FAILURE_LIMIT, spoofed=lambda n: f"192.0.2.{n}")
    response = login(ATTACKER, spoofed="192.0.2.200")
    assert response.status_code == 429
    assert "Trop de tentatives échouées" in response.content.decode()
    # Claiming to be the colleague locked nobody but the attacker.
    assert login(COLLEAGUE).status_code == 302


def test_failures_on_the_admin_login_count_towards_the_same_lock(
    editor, cycle, settings, behind_one_proxy
):
    editor.is_staff = True
    editor.save()
    fail_logins("/admin/login/", ATTACKER, settings.AXES_FAILURE_LIMIT - 1)
    fail_logins("/login/", ATTACKER, 1)
    assert login(ATTACKER).status_code == 429
    response = login(ATTACKER, path="/admin/login/")
    assert response.status_code == 429
    assert "Trop de tentatives échouées" in response.content.decode()
    assert login(COLLEAGUE, path="/admin/login/").status_code == 302


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(editor, cycle, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client()
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/login/",
            {"username": "editor.oujda", "password": "no"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )
    response = Client().post(
        "/login/",
        {"username": "editor.oujda", "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,
        HTTP_X_FORWARDED_FOR=COLLEAGUE,
    )
    assert response.status_code == 429


@pytest.mark.parametrize("page", ["/regions/", "/regions/02/"])
def test_a_nul_character_in_the_commune_search_is_dropped(client_for, national, cycle, page):
    response = client_for(national).get(page, {"q": "Ouj\x00da"})
    assert response.status_code == 200
    assert 'href="/communes/oujda/"' in response.content.decode()


@pytest.mark.parametrize("charset", ["rot13", "punycode", "bogus", "latin-1"])
def test_a_form_in_another_charset_gets_a_400_page(editor, cycle, charset):
    from tests.conftest import MODEL_BACKEND

    client = Client(raise_request_exception=False)
    client.force_login(editor, backend=MODEL_BACKEND)
    client.cookies["prim_language"] = "ar"
    body = b'--x\r\nContent-Disposition: form-data; name="start_year"\r\n\r\n2028\r\n--x--\r\n'
    response = client.generic(
        "POST",
        "/communes/oujda/pac/new/",
        body,
        content_type=f"multipart/form-data; boundary=x; charset={charset}",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "تعذر فهم الطلب" in page and 'dir="rtl"' in page
    assert not editor.memberships.get().commune.cycles.filter(start_year=2028).exists()


def test_a_query_in_another_charset_gets_a_400_from_the_wsgi_application(editor, cycle):
    """Django decodes the query string while it builds the request, before any middleware:
    only the WSGI application (what gunicorn runs) can answer, so it is called directly."""
    from prim.wsgi import application

    answers = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/login/",
        "QUERY_STRING": "next=%C3%A9",
        "CONTENT_TYPE": "text/plain; charset=rot13",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    body = b"".join(application(environ, lambda status, headers: answers.append(status)))
    assert answers == ["400 Bad Request"]
    assert "Requête incomprise" in body.decode()


def test_the_400_and_500_pages_do_not_read_the_request_again():
    """The request may be what failed: the error pages never touch it."""
    from prim.views import bad_request, server_error

    class Unreadable:
        def __getattr__(self, name):
            raise AssertionError(f"the error page read request.{name}")

    assert "Requête incomprise" in bad_request(Unreadable(), Exception()).content.decode()
    assert "Erreur du serveur" in server_error(Unreadable()).content.decode()


HUGE = "99999999999999999999999"  # beyond a 64-bit integer: SQLite cannot even compare it


@pytest.mark.parametrize(
    ("page", "fields"),
    [
        ("diagnosis/findings/new/", ["groups", "sessions"]),
        ("diagnosis/ideas/new/", ["findings", "target_groups"]),
        ("plan/actions/new/", ["ideas", "snia_programmes", "snmre_objectives", "target_groups"]),
    ],
)
def test_a_huge_id_in_a_multiple_choice_is_a_form_error(client_for, editor, cycle, page, fields):
    response = client_for(editor).post(
        f"/communes/oujda/pac/2022/{page}", {"title": "Cellule", **{f: [HUGE] for f in fields}}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    for field in fields:
        assert f"{HUGE} n’en fait pas partie" in str(errors[field]), field
