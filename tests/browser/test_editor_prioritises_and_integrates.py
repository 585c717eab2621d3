"""Story: Oujda's PAC focal point scores an idea in the grid, records the deliberation, adopts
the idea the council had set aside, writes its action sheet and reads the PAC, in French then
in Arabic, on a desktop and on a phone."""

import re
from pathlib import Path

from playwright.sync_api import expect

SHOTS = Path("/tmp/shots/h5")


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"story-{name}.png"), full_page=True)


def test_editor_prioritises_and_integrates(page, live_server, login):
    from actions.models import IdeaDecision

    waiting = (
        IdeaDecision.objects.filter(idea__cycle__commune__code="oujda")
        .exclude(outcome="adopted")
        .select_related("idea")
        .get()
        .idea
    )
    plan = f"{live_server.url}/communes/oujda/pac/2022/plan/"
    login(page, "editor.oujda")

    # 1. The scoring grid: change one score in place (htmx), the row comes back with its score.
    page.goto(plan)
    expect(page.get_by_role("heading", name="Grille de notation")).to_be_visible()
    row = page.locator(f"tr[data-idea='{waiting.code}']")
    before = row.locator("[data-weighted]").inner_text()
    row.locator("td[data-criterion='need'] a").click()
    cell_form = row.locator("td[data-criterion='need'] form")
    expect(cell_form).to_be_visible()
    cell_form.locator("select[name=value]").select_option("3")
    cell_form.locator("input[name=reason]").fill("Demande forte des MRE en été")
    _shot(page, "grid-cell-edit-fr")
    cell_form.get_by_role("button", name="Enregistrer").click()
    row = page.locator(f"tr[data-idea='{waiting.code}']")
    expect(row.locator("td[data-criterion='need'] a")).to_have_text("3")
    expect(row.locator("[data-weighted]")).not_to_have_text(before)
    expect(page).to_have_url(plan)  # no page load: the row was swapped in place
    expect(page.locator("[data-rank] .rank-number")).to_have_count(3)

    # 2. The decision page: the deliberation, then adopting the idea set aside.
    page.get_by_role("link", name="Décision", exact=True).click()
    expect(page.get_by_role("heading", name="La décision du conseil")).to_be_visible()
    # One page, one save: the deliberation and the decision go with the same button.
    page.locator("#id_deliberation-number").fill("07/2023 bis")
    decision_row = page.locator(f"table.decision-table tr[data-idea='{waiting.code}']")
    decision_row.locator("select").select_option("adopted")
    page.get_by_role("button", name="Enregistrer la décision du conseil").click()
    expect(page.get_by_text("Décision du conseil enregistrée.")).to_be_visible()
    expect(page.locator("#id_deliberation-number")).to_have_value("07/2023 bis")
    _shot(page, "decision-fr")

    # 3. Its action sheet, prefilled from the idea.
    page.locator(f"tr[data-idea='{waiting.code}']").get_by_role(
        "link", name="Rédiger sa fiche action"
    ).click()
    expect(page.locator("#id_title")).to_have_value(waiting.title)
    page.locator("#id_axis").fill("Axe 2 - Égalité femmes-hommes et inclusion économique")
    page.locator("#id_objectives").fill("Informer les familles de MRE sur l'investissement local.")
    page.locator("#id_lead_service").fill("Service du développement économique")
    page.locator("input[name='costs-1-amount']").fill("150000")
    page.locator("input[name='costs-2-amount']").fill("100000")
    page.locator("select[name='financing-0-source']").select_option("prim")
    page.locator("input[name='financing-0-amount']").fill("120000")
    page.locator("select[name='financing-1-source']").select_option("commune")
    page.locator("input[name='financing-1-amount']").fill("100000")
    page.locator("input[name='indicators-0-name']").fill("Familles informées")
    page.locator("input[name='indicators-0-unit']").fill("familles")
    page.locator("input[name='indicators-0-target']").fill("300")
    page.locator("input[name='milestones-0-title']").fill("Première permanence")
    _shot(page, "action-form-fr")
    page.get_by_role("button", name="Enregistrer la fiche action").click()
    expect(page.get_by_text("Action A-03 enregistrée.")).to_be_visible()
    expect(page.get_by_text(re.compile("restent à trouver"))).to_be_visible()  # 30 000 MAD gap
    expect(page.locator("[data-total=cost]")).to_contain_text("250")
    _shot(page, "action-detail-fr")

    # 4. The PAC: three actions now, and for each the thread back to the diagnosis.
    page.get_by_role("link", name="Actions du PAC").first.click()
    expect(page.locator("tr[data-action]")).to_have_count(3)
    action = page.locator("tr[data-action='A-03']")
    action.get_by_text("Pourquoi cette action est-elle dans le plan ?").click()
    expect(action.locator(".thread-list")).to_contain_text(waiting.code)
    expect(page.locator("[data-figure=gender-share]")).to_have_text(re.compile(r"\d+\s?%"))
    _shot(page, "pac-fr")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "pac-fr-phone")

    # 5. The same page in Arabic, right to left.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("button[name=language][value=ar]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_contain_text("برنامج عمل الجماعة")
    _shot(page, "pac-ar")
    page.goto(plan)
    expect(page.get_by_role("heading", name="شبكة التنقيط")).to_be_visible()
    _shot(page, "grid-ar")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "grid-ar-phone")


def test_viewer_reads_the_pac_without_edit_buttons(page, live_server, login):
    login(page, "viewer.oujda")
    page.goto(f"{live_server.url}/communes/oujda/pac/2022/plan/pac/")
    expect(page.locator("tr[data-action]")).to_have_count(2)
    expect(page.get_by_role("link", name="Nouvelle fiche action")).to_have_count(0)
    page.goto(f"{live_server.url}/communes/oujda/pac/2022/plan/")
    expect(page.locator("td[data-criterion] a.score-link")).to_have_count(0)
    response = page.goto(f"{live_server.url}/communes/oujda/pac/2022/plan/criteria/")
    assert response.status == 403
