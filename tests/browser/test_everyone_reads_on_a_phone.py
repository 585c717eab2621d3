"""Story: on a 390px phone, in French and in Arabic, no page of any step scrolls sideways."""

import pytest

PAC = "/communes/oujda/pac/2022"
EDITOR_PAGES = [
    "/communes/oujda/",
    f"{PAC}/awareness/",
    f"{PAC}/awareness/new/",
    f"{PAC}/training/",
    f"{PAC}/diagnosis/",
    f"{PAC}/diagnosis/sessions/",
    f"{PAC}/diagnosis/findings/",
    f"{PAC}/diagnosis/ideas/",
    f"{PAC}/plan/",
    f"{PAC}/plan/criteria/",
    f"{PAC}/plan/decision/",
    f"{PAC}/plan/pac/",
    f"{PAC}/plan/actions/new/",
]


def choose_language(page, language):
    """On a phone the language switch sits behind the menu button."""
    page.get_by_role("button", name="Menu").or_(page.get_by_role("button", name="القائمة")).click()
    page.locator(f"button[name=language][value={language}]").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == language


def overflow(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_no_page_scrolls_sideways_on_a_phone(page, live_server, login, language):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "editor.oujda")
    choose_language(page, language)
    too_wide = {}
    for path in EDITOR_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        if (extra := overflow(page)) > 1:
            too_wide[path] = extra
    page.goto(f"{live_server.url}{PAC}/plan/pac/")
    page.locator("a[href*='/plan/actions/']").first.click()
    page.wait_for_load_state("load")
    if (extra := overflow(page)) > 1:
        too_wide[page.url] = extra
    page.context.clear_cookies()
    login(page, "coord.oriental")
    choose_language(page, language)
    if (extra := overflow(page)) > 1:
        too_wide["/regions/02/"] = extra
    assert too_wide == {}, f"pages wider than the phone, in px: {too_wide}"
