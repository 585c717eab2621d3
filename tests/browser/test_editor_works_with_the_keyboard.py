"""Story: the editor of Oujda fills a step form with the keyboard only, in French and in Arabic.
The first Tab shows a skip link that jumps over the menu to the page's content; every control of
the form, down to the save button, is reached by Tab, and each one shows where the focus is."""

import pytest
from django.conf import settings

FORM = "/communes/oujda/pac/2022/awareness/new/"

# What a sighted keyboard user needs: the focused element is on screen, has a size, and draws a
# ring (an outline at least 2px wide, or a box shadow).
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '', id: el.id,
    text: (el.innerText || el.value || '').trim().slice(0, 40),
    inMain: !!el.closest('main'), inFooter: !!el.closest('footer'),
    width: box.width, height: box.height,
    onScreen: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
    ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
          || style.boxShadow !== 'none',
  };
}"""

ON_SCREEN = """() => {
  const box = document.activeElement.getBoundingClientRect();
  return box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
}"""


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_step_form_is_filled_with_the_keyboard(page, live_server, login, language):
    login(page, "editor.oujda")
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.goto(live_server.url + FORM)
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")

    # Landmarks: one banner (with the menu), one main, one content info.
    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("banner").get_by_role("navigation").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("contentinfo").count() == 1

    # The first Tab lands on the skip link, which then shows on screen.
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUS)
    assert skip["tag"] == "a" and skip["text"] in {"Aller au contenu", "الانتقال إلى المحتوى"}
    assert skip["onScreen"] and skip["width"] > 20 and skip["height"] > 10 and skip["ring"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # From there Tab goes through the form, never back into the menu, each stop visibly focused.
    stops = []
    for _ in range(120):
        page.keyboard.press("Tab")
        # Bootstrap scrolls smoothly: the focused element comes on screen within a moment.
        page.wait_for_function(ON_SCREEN, timeout=3000)
        focus = page.evaluate(FOCUS)
        assert focus is not None, f"focus lost after {stops[-1:] or 'the skip link'}"
        if focus["inFooter"]:
            break
        assert focus["inMain"], f"Tab left the page content for {focus}"
        assert focus["onScreen"] and focus["width"] > 0, f"focused but not visible: {focus}"
        assert focus["ring"], f"no visible focus ring on {focus}"
        stops.append(focus)
    else:
        pytest.fail("Tab never reached the footer")

    names = {stop["name"] for stop in stops}
    form_fields = page.eval_on_selector_all(
        "main form input:not([type=hidden]), main form select, main form textarea",
        "els => els.filter(e => !e.disabled && e.offsetParent !== null).map(e => e.name)",
    )
    assert form_fields and set(form_fields) <= names, set(form_fields) - names
    save = page.locator("main form button[type=submit]").last
    assert save.inner_text().strip() in {s["text"] for s in stops if s["tag"] == "button"}
