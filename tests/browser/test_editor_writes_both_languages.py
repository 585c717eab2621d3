"""Story: Oujda's PAC focal point, working in Arabic, writes the axis of an action in Arabic
beside the French one, saves, and reads it on the sheet; the French page shows the French text
(issue 15: bilingual content)."""

from playwright.sync_api import expect


def _action(live_server):
    from actions.models import PacAction

    action = PacAction.objects.filter(cycle__commune__code="oujda").order_by("number").first()
    base = f"{live_server.url}/communes/oujda/pac/2022/plan/actions/{action.uuid}/"
    return action, base


def test_arabic_and_french_side_by_side_on_the_action_sheet(page, live_server, login):
    login(page, "editor.oujda")
    action, base = _action(live_server)
    page.context.add_cookies([{"name": "prim_language", "value": "ar", "url": live_server.url}])
    page.goto(base + "edit/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    french, arabic = page.locator("#id_axis"), page.locator("#id_axis_ar")
    expect(arabic).to_have_attribute("dir", "rtl")
    expect(arabic).to_have_attribute("lang", "ar")
    expect(french).to_have_attribute("dir", "ltr")
    left, right = french.bounding_box(), arabic.bounding_box()
    assert abs(left["y"] - right["y"]) < 2  # on one line
    assert right["x"] < left["x"]  # in a right-to-left page the Arabic twin sits to the left
    page.screenshot(path="/tmp/words_action_form_ar_test.png")
    arabic.fill("المحور 1 - الاستقبال والحقوق")
    page.get_by_role("button", name="حفظ بطاقة الإجراء").click()
    expect(page.get_by_text("المحور 1 - الاستقبال والحقوق")).to_be_visible()
    page.context.add_cookies([{"name": "prim_language", "value": "fr", "url": live_server.url}])
    page.goto(base)
    expect(page.get_by_text(action.axis, exact=True)).to_be_visible()


def test_one_of_the_two_languages_is_required(page, live_server, login):
    login(page, "editor.oujda")
    _action_obj, base = _action(live_server)
    page.goto(base + "edit/")
    page.locator("#id_axis").fill("")
    page.locator("#id_axis_ar").fill("")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(
        page.get_by_text("Écrivez-le en français ou en arabe (l'un des deux est obligatoire).")
    ).to_be_visible()
