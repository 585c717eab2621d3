"""Story: the editor of Oujda records an awareness session with its attendance grid, in Arabic,
and sees the step 1 figures of the tracker move."""

import os
import re
from pathlib import Path

from playwright.sync_api import expect

SHOTS = os.environ.get("PRIM_SHOTS_DIR")


def _figure(page, step, index):
    return page.locator(f"li[data-step='{step}'] dl dd").nth(index)


def test_editor_records_a_session_in_arabic_and_the_tracker_moves(page, live_server, login):
    login(page, "editor.oujda")
    expect(page).to_have_url(f"{live_server.url}/communes/oujda/")
    page.locator("button[name=language][value=ar]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    # The demo: three sessions in Oujda, step 1 in progress and complete, ready to submit.
    expect(_figure(page, 1, 0)).to_have_text("3")
    participants_before = int(_figure(page, 1, 1).inner_text().replace("\u202f", ""))

    page.locator("li[data-step='1'] h3 a").click()
    expect(page).to_have_url(f"{live_server.url}/communes/oujda/pac/2022/awareness/")
    expect(page.get_by_role("heading", level=1)).to_have_text("الجلسات التحسيسية")
    expect(page.locator("table.records-table tbody tr")).to_have_count(3)

    page.get_by_role("link", name="تسجيل جلسة").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("جلسة تحسيسية جديدة")
    page.locator("#id_date").fill("2023-03-14")
    page.locator("#id_place").fill("قاعة الاجتماعات بمقر الجماعة")
    page.locator("#id_format").select_option("workshop")
    page.locator("#id_facilitator").fill("جمعية الشرق للهجرة والتنمية")
    page.get_by_label("النوع الاجتماعي").check()
    page.get_by_label("الهجرة والتنمية").check()
    # The grid: elected officials (row 0), commune staff (row 1), migrants (row 6).
    page.locator("#id_attendance-0-women").fill("4")
    page.locator("#id_attendance-0-men").fill("6")
    page.locator("#id_attendance-1-women").fill("3")
    page.locator("#id_attendance-6-women").fill("-2")
    page.get_by_role("button", name="حفظ").click()

    # A negative count is refused next to its cell; nothing was saved, the grid kept its values.
    expect(page.locator("#id_attendance-6-women")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#id_attendance-0-men")).to_have_value("6")
    page.locator("#id_attendance-6-women").fill("2")
    page.locator("#id_attendance-6-men").fill("5")
    page.get_by_role("button", name="حفظ").click()

    expect(page.get_by_text("تم حفظ الجلسة التحسيسية.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    grid = page.locator("table.attendance-grid")
    expect(grid.locator("tbody tr")).to_have_count(3)
    expect(grid.locator("[data-total]")).to_have_text("20")  # 9 women + 11 men, computed
    expect(page.get_by_text("النساء: 45%")).to_be_visible()

    page.goto(f"{live_server.url}/communes/oujda/")
    expect(_figure(page, 1, 0)).to_have_text("4")
    participants_after = int(_figure(page, 1, 1).inner_text().replace("\u202f", ""))
    assert participants_after == participants_before + 20


def test_a_viewer_reads_the_trainings_but_cannot_edit(page, live_server, login):
    login(page, "viewer.oujda")
    page.goto(f"{live_server.url}/communes/oujda/pac/2022/training/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Formations du personnel communal")
    rows = page.locator("table.records-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Genre et migration")
    expect(page.get_by_role("link", name="Enregistrer une formation")).to_have_count(0)
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("link", name="Modifier")).to_have_count(0)
    expect(page.locator("table.records-table tbody tr")).to_have_count(20)


def test_pages_fit_a_phone_in_both_languages(page, live_server, login, tmp_path):
    """Every step 1-2 page fits a 390px screen in French and Arabic (no sideways scroll).

    Screenshots go to PRIM_SHOTS_DIR when it is set, for a person to look at.
    """
    from communes.models import AwarenessSession, Training

    folder = Path(SHOTS) if SHOTS else tmp_path

    def shoot(path):
        page.screenshot(path=path, full_page=True)
        if page.viewport_size["width"] == 390:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{page.url} overflows a phone screen by {overflow}px"

    folder.mkdir(parents=True, exist_ok=True)
    login(page, "editor.oujda")
    session = AwarenessSession.objects.filter(cycle__commune__code="oujda").first()
    training = Training.objects.filter(cycle__commune__code="ait-amira").first()
    base = f"{live_server.url}/communes/oujda/pac/2022"
    pages = {
        "communes:awareness_list": f"{base}/awareness/",
        "communes:awareness_detail": f"{base}/awareness/{session.uuid}/",
        "awareness_form": f"{base}/awareness/{session.uuid}/edit/",
        "communes:training_list": f"{base}/training/",
        "commune": f"{live_server.url}/communes/oujda/",
    }
    for language in ("fr", "ar"):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(pages["commune"])
        page.locator(f"button[name=language][value={language}]").click()
        for width, label in ((1280, "desktop"), (390, "phone")):
            page.set_viewport_size({"width": width, "height": 900})
            for name, address in pages.items():
                page.goto(address)
                shoot(folder / f"{name}_{language}_{label}.png")
    # The training form needs an editable step 2: Aït Amira's editor.
    page.context.clear_cookies()
    login(page, "editor.ait-amira")
    for language in ("fr", "ar"):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.locator(f"button[name=language][value={language}]").click()
        for width, label in ((1280, "desktop"), (390, "phone")):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(
                f"{live_server.url}/communes/ait-amira/pac/2022/training/{training.uuid}/edit/"
            )
            shoot(folder / f"training_form_{language}_{label}.png")
            page.goto(f"{live_server.url}/communes/ait-amira/pac/2022/training/{training.uuid}/")
            shoot(folder / f"training_detail_{language}_{label}.png")
