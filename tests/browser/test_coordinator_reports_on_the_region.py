"""Browser story: the Oriental's coordinator opens the programme report of the region, sees
what the four pilot communes identified, adopted, financed and carried out, with women and
men apart, checks that Oujda's own page shows the same figures, and downloads the xlsx.
In French and in Arabic.
"""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from communes.models import Commune
from prim.reports import commune_figures

PILOTS = ("oujda", "nador", "berkane", "driouch")
COLUMNS = (
    "ideas",
    "adopted",
    "financed",
    "completed",
    "trained_women",
    "trained_men",
    "consulted_women",
    "consulted_men",
)


def _as(page, login, username, language):
    page.context.clear_cookies()
    login(page, username)
    if page.locator("html").get_attribute("lang") != language:
        page.locator(f"button[name=language][value={language}]").click()
        page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_coordinator_reports_on_the_region(page, live_server, login, language):
    _as(page, login, "coord.oriental", language)
    page.locator("a[data-report]").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/regions/02/report/")

    expected = {}
    for code in PILOTS:
        cycle = Commune.objects.get(code=code).cycles.order_by("-start_year").first()
        expected[code] = commune_figures(cycle)
    rows = page.locator("tr[data-commune]")
    expect(rows).to_have_count(4)
    for code, figures in expected.items():
        row = page.locator(f'tr[data-commune="{code}"]')
        for column in COLUMNS:
            expect(row.locator(f'td[data-col="{column}"]')).to_have_text(
                str(getattr(figures, column))
            )
    total = page.locator("tr[data-total]")
    # The demo's 12 Oriental projects, 8 of them PAC actions (DOMAIN.md: a majority adopted).
    assert sum(f.ideas for f in expected.values()) == 12
    assert sum(f.actions for f in expected.values()) == 8
    expect(total.locator('td[data-col="actions"]')).to_have_text("8")
    # The charts are drawn on the server, with their title, for screen readers too.
    expect(page.locator("svg.report-chart[role=img]")).to_have_count(3)
    # Oujda's own page: the same numbers beside its tracker.
    page.locator('tr[data-commune="oujda"] th a').click()
    page.wait_for_load_state("load")
    for key in ("ideas", "adopted", "financed", "completed"):
        expect(page.locator(f'tr[data-funnel="{key}"] td')).to_have_text(
            str(getattr(expected["oujda"], key))
        )
    page.go_back()
    # On a phone the report never scrolls sideways (the comparison table scrolls in its box).
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    sideways = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert sideways <= 1
    with page.expect_download() as download:
        page.locator("a[data-export=xlsx]").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 1 + 4 + 1  # headers, the four communes, the total
    assert values[-1][1:] and all(
        isinstance(v, int | float) for v in values[-1][1:7]
    )  # numbers, not text
