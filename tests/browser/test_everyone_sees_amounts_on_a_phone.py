"""Story: on a 390 px phone, in French and in Arabic, the tables that matter (the PAC's costs and
financing, an action's financing and indicators, the region's communes with their five-step
tracker) show every amount and every step without sideways scrolling: each row is a card whose
lines name their column. And at 200 % zoom no status badge is written under 12 px."""

import pytest
from django.conf import settings

from actions.models import PacAction
from communes.demo import DEMO_PASSWORD

PAC = "/communes/oujda/pac/2022"
PHONE = {"width": 390, "height": 844}

# Every cell of the card tables, the tracker's badges and the page itself stay inside the screen's
# width; a cell with a data-label shows that label before its value.
LAYOUT = """() => {
  const width = window.innerWidth;
  const outside = [];
  const unlabelled = [];
  const cells = document.querySelectorAll(
    'table.table-cards td, table.table-cards th[scope=row], .tracker-mini .badge, '
    + '[data-step] .badge');
  for (const el of cells) {
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    if (box.left < -0.5 || box.right > width + 0.5) outside.push(el.outerHTML.slice(0, 120));
    if (el.dataset.label) {
      const before = getComputedStyle(el, '::before').content;
      if (!before.includes(el.dataset.label)) unlabelled.push(el.dataset.label);
    }
  }
  return {
    scroll: document.scrollingElement.scrollWidth, width, outside, unlabelled,
    cards: document.querySelectorAll('table.table-cards').length,
    cells: cells.length,
  };
}"""


def use_language(page, base_url, language):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    )


def check(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    layout = page.evaluate(LAYOUT)
    assert layout["scroll"] <= layout["width"], f"{url} scrolls sideways: {layout['scroll']}px"
    assert layout["outside"] == [], f"{url}: cut off at the screen's edge: {layout['outside']}"
    assert layout["unlabelled"] == [], f"{url}: cells without their label: {layout['unlabelled']}"
    return layout


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_amounts_and_steps_fit_a_phone(page, live_server, login, language):
    page.set_viewport_size(PHONE)
    login(page, "editor.oujda")
    use_language(page, live_server.url, language)
    base = live_server.url

    pac = check(page, f"{base}{PAC}/plan/pac/")
    assert pac["cards"] >= 2  # financing by source, and the actions of each axis
    # The PAC's financing total and each action's total cost: on screen, as the desktop writes them.
    total = page.locator("table[data-table=financing-by-source] tfoot td").last
    total.scroll_into_view_if_needed()
    assert total.is_visible() and total.inner_text().strip()
    action = PacAction.objects.filter(cycle__commune__code="oujda").order_by("number").first()
    cells = page.locator(f"tr[data-action='{action.code}'] td")
    assert cells.count() == 6 + 4  # the six years of the PAC, total, financed, markers, status
    for i in range(cells.count()):
        cells.nth(i).scroll_into_view_if_needed()
        assert cells.nth(i).is_visible()

    check(page, f"{base}{PAC}/plan/actions/{action.uuid}/")
    financing = page.locator("[data-total=financing]")
    financing.scroll_into_view_if_needed()
    box = financing.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    check(page, f"{base}/communes/oujda/")
    check(page, f"{base}{PAC}/diagnosis/")

    page.context.clear_cookies()
    login(page, "coord.oriental")
    use_language(page, base, language)
    region = check(page, f"{base}/regions/02/")
    assert region["cards"] >= 1
    # Four communes of the Oriental, each with its five steps on screen.
    assert page.locator("tr[data-commune] .tracker-mini .badge").count() == 4 * 5


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_status_badges_stay_readable_at_200_percent_zoom(browser, live_server, demo, language):
    # A 1280 x 900 desktop zoomed to 200 % lays pages out as a 640 x 450 screen at twice the pixels.
    context = browser.new_context(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    page = context.new_page()
    base = live_server.url
    sizes = {}
    for username, urls in {
        "coord.oriental": ["/regions/02/", "/communes/oujda/", f"{PAC}/plan/pac/"],
        "admin": ["/regions/"],
    }.items():
        context.clear_cookies()
        use_language(page, base, language)
        page.goto(f"{base}/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        for url in urls:
            assert page.goto(base + url).status == 200
            assert page.locator("html").get_attribute("lang") == language
            found = page.eval_on_selector_all(
                ".badge",
                "els => els.filter(e => e.offsetParent !== null)"
                ".map(e => [e.textContent.trim(), parseFloat(getComputedStyle(e).fontSize)])",
            )
            assert found, f"no badge on {url}"
            sizes[url] = found
            assert page.evaluate("document.scrollingElement.scrollWidth") <= 640, url
    context.close()
    too_small = {url: [b for b in badges if b[1] < 12] for url, badges in sizes.items()}
    assert all(not small for small in too_small.values()), too_small
    # The tracker's status badges are among those measured: four communes, five steps each.
    assert len(sizes["/regions/02/"]) >= 4 * 5
