"""Story: Oujda's PAC focal point adds rows to the action sheet without JavaScript and with it,
and reads the decision page (one form, one button) in French and in Arabic (issue 11)."""

from pathlib import Path

from playwright.sync_api import expect

SHOTS = Path("/tmp/shots/facts")


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _action_edit(live_server):
    from actions.models import PacAction

    action = PacAction.objects.filter(cycle__commune__code="oujda").order_by("number").first()
    return f"{live_server.url}/communes/oujda/pac/2022/plan/actions/{action.uuid}/edit/"


def test_add_a_row_without_javascript(browser, live_server, login):
    context = browser.new_context(
        java_script_enabled=False, locale="fr-MA", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    login(page, "editor.oujda")
    page.goto(_action_edit(live_server))
    rows = page.locator("#financing-rows > tr")
    before = rows.count()
    page.locator("#id_title").fill("Cellule d'accueil (titre en cours de saisie)")
    page.locator("#fs-financing").get_by_role("button", name="Ajouter une ligne").click()
    page.wait_for_load_state()
    expect(rows).to_have_count(before + 1)
    expect(page.locator("#id_title")).to_have_value("Cellule d'accueil (titre en cours de saisie)")
    expect(page.locator(f"input[name='financing-{before}-amount']")).to_be_visible()
    expect(page.locator(".invalid-feedback")).to_have_count(0)
    _shot(page, "action-add-row-nojs-fr")
    context.close()


def test_add_a_row_in_place_with_javascript(page, live_server, login):
    login(page, "editor.oujda")
    address = _action_edit(live_server)
    page.goto(address)
    rows = page.locator("#indicators-rows > tr")
    before = rows.count()
    page.locator("#id_title").fill("Titre tapé")
    page.locator("#fs-indicators").get_by_role("button", name="Ajouter une ligne").click()
    expect(rows).to_have_count(before + 1)
    expect(page).to_have_url(address)  # no page load
    expect(page.locator(f"input[name='indicators-{before}-name']")).to_be_focused()
    expect(page.locator("#id_indicators-TOTAL_FORMS")).to_have_value(str(before + 1))
    expect(page.locator("#id_title")).to_have_value("Titre tapé")


def test_the_decision_page_in_french_and_arabic(page, live_server, login):
    login(page, "editor.oujda")
    decision = f"{live_server.url}/communes/oujda/pac/2022/plan/decision/"
    page.goto(decision)
    main = page.locator("main")
    # One form holds the opinion, the deliberation and the decisions, with one button.
    form = main.locator("form", has=page.locator("#id_opinion-verdict"))
    expect(form.locator("#id_deliberation-number")).to_have_count(1)
    expect(form.locator("select[name$='-outcome']").first).to_be_visible()
    expect(form.locator("button[type=submit]")).to_have_count(1)
    expect(form.get_by_role("button", name="Enregistrer la décision du conseil")).to_be_visible()
    _shot(page, "decision-fr")
    page.context.add_cookies([{"name": "prim_language", "value": "ar", "url": live_server.url}])
    page.goto(decision)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(main.get_by_role("button", name="حفظ مقرر المجلس")).to_be_visible()
    _shot(page, "decision-ar")
    page.goto(_action_edit(live_server))
    _shot(page, "action-form-ar")
