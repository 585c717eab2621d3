"""Story: a commune editor logs in, sees their commune and only theirs, and reads it in Arabic."""

import re

from playwright.sync_api import expect


def test_editor_sees_own_commune_and_switches_to_arabic(page, live_server, login):
    page.goto(f"{live_server.url}/")
    # Anonymous: the login page, in French.
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()

    login(page, "editor.oujda")
    expect(page).to_have_url(f"{live_server.url}/communes/oujda/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oujda")
    expect(page.get_by_text("Programme d'action de la commune (PAC) 2022-2027")).to_be_visible()
    steps = page.locator("li[data-step]")
    expect(steps).to_have_count(5)
    expect(steps.nth(2)).to_contain_text("Diagnostic participatif")

    # Another commune of the same region is outside an editor's territory.
    response = page.goto(f"{live_server.url}/communes/nador/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    response = page.goto(f"{live_server.url}/regions/02/")
    assert response.status == 404

    page.goto(f"{live_server.url}/communes/oujda/")
    page.locator("button[name=language][value=ar]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_role("heading", level=1)).to_have_text("وجدة")
    expect(page.get_by_text("برنامج عمل الجماعة 2022-2027")).to_be_visible()
    # Bootstrap's right-to-left build is the one loaded.
    assert page.locator("link[href*='bootstrap.rtl.min.css']").count() == 1
    # The brand sits on the right in RTL.
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2


def test_coordinator_sees_the_communes_of_the_region(page, live_server, login):
    login(page, "coord.oriental")
    expect(page).to_have_url(f"{live_server.url}/regions/02/")
    rows = page.locator("tr[data-commune]")
    expect(rows).to_have_count(4)
    expect(rows.first.locator("[data-step]")).to_have_count(5)
    expect(page.locator("tr[data-commune='sidi-bibi']")).to_have_count(0)
