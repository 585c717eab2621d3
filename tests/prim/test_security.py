"""Login, lock-out, CSRF, headers and production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_login_page_is_french_with_a_language_switch(client):
    page = client.get("/login/").content.decode()
    assert "Se connecter" in page
    for code in ("fr", "ar", "en"):
        assert f'name="language" value="{code}"' in page


def test_wrong_password_gets_a_clear_message(client, editor):
    response = client.post("/login/", {"username": "editor.oujda", "password": "wrong"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def test_right_password_lands_on_the_commune(client, editor, cycle):
    response = client.post(
        "/login/", {"username": "editor.oujda", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/communes/oujda/"


def test_repeated_failures_lock_the_account(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "editor.oujda", "password": "wrong"})
    # Even the right password is refused now, with the lock-out page.
    response = client.post("/login/", {"username": "editor.oujda", "password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives échouées" in response.content.decode()


def test_form_without_csrf_token_gets_a_403_page_in_the_users_language(editor, cycle):
    from tests.conftest import MODEL_BACKEND

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor, backend=MODEL_BACKEND)
    client.cookies["prim_language"] = "ar"
    response = client.post("/communes/oujda/pac/new/", {"start_year": 2028})
    assert response.status_code == 403
    assert "تعذر قبول الاستمارة" in response.content.decode()


def test_content_security_policy_forbids_inline_script(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_have_no_inline_script_or_style(client_for, editor, cycle):
    page = client_for(editor).get("/communes/oujda/").content.decode()
    assert "<script>" not in page and "style=" not in page
    assert "cdn" not in page.lower()


def test_logout_needs_post(client_for, editor):
    client = client_for(editor)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302


def _run_manage(env_extra, *args):
    # A clean production-like environment: none of the test run's own switches.
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = _run_manage(
        {
            "DEBUG": "0",
            "SECRET_KEY": "a-production-secret-" + "x" * 40,
            "ALLOWED_HOSTS": "prim.example.ma",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = _run_manage({"DEBUG": "0", "ALLOWED_HOSTS": "prim.example.ma"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_admin_allows_inline_styles_but_never_inline_scripts(client_for, national):
    national.is_staff = True
    national.save()
    policy = client_for(national).get("/admin/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy + ";"


def test_admin_is_for_national_staff_only(client_for, editor):
    response = client_for(editor).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url


@pytest.mark.parametrize("language,title", [("fr", "Erreur du serveur"), ("ar", "خطأ في الخادم")])
def test_server_error_page_in_both_languages(language, title):
    from django.template.loader import render_to_string
    from django.utils.translation import override

    with override(language):
        page = render_to_string("500.html")
    assert title in page
    assert f'lang="{language}"' in page
    assert ('dir="rtl"' in page) == (language == "ar")


def test_not_found_page_in_arabic(client_for, editor):
    client = client_for(editor)
    client.cookies["prim_language"] = "ar"
    response = client.get("/communes/nador/")
    assert response.status_code == 404
    assert "الصفحة غير موجودة" in response.content.decode()


def test_base_template_leaks_no_template_syntax(client):
    page = client.get("/login/").content.decode()
    assert "{#" not in page and "{%" not in page and "#}" not in page
