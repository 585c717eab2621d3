"""Story: the editor of Oujda types an awareness session on a bad link; the connection drops at
"save". Back online, the form offers the typed text again; once saved, the draft is gone. At
logout nothing of it stays in the browser for the next person on a shared computer."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

SHOTS = os.environ.get("PRIM_SHOTS_DIR")

TEXTS = {
    "fr": {
        "save": "Enregistrer",
        "restore": "Restaurer le texte non enregistré",
        "saved": "Séance de sensibilisation enregistrée.",
    },
    "ar": {
        "save": "حفظ",
        "restore": "استرجاع النص غير المحفوظ",
        "saved": "تم حفظ الجلسة التحسيسية.",
    },
}


def _drafts(page):
    return page.evaluate(
        "Object.keys(window.localStorage).filter(k => k.startsWith('prim-draft:')).length"
    )


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_text_typed_before_a_dropped_connection_comes_back(page, live_server, login, language):
    login(page, "editor.oujda")
    page.locator(f"button[name=language][value={language}]").click()
    texts = TEXTS[language]
    form_url = f"{live_server.url}/communes/oujda/pac/2022/awareness/new/"
    page.goto(form_url)

    page.locator("#id_date").fill("2023-05-09")
    page.locator("#id_place").fill("Maison de la jeunesse Al Qods")
    page.locator("#id_format").select_option("workshop")
    page.locator("#id_facilitator").fill("Association Oujda Ain Ghazal")
    page.locator("#id_outcome").fill("Les élues demandent une cellule d'accueil des MRE.")
    page.locator("#id_attendance-0-women").fill("7")
    page.locator("#id_attendance-0-men").fill("5")

    page.context.set_offline(True)
    try:
        page.get_by_role("button", name=texts["save"], exact=True).click()
        page.wait_for_load_state()
    except PlaywrightError:
        pass  # the browser reports the dropped connection; what matters is what comes back
    page.context.set_offline(False)

    page.goto(form_url)
    expect(page.locator("#id_place")).to_have_value("")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"draft-offered-{language}.png"))
    page.get_by_role("button", name=texts["restore"]).click()
    expect(page.locator("#id_place")).to_have_value("Maison de la jeunesse Al Qods")
    expect(page.locator("#id_facilitator")).to_have_value("Association Oujda Ain Ghazal")
    expect(page.locator("#id_outcome")).to_have_value(
        "Les élues demandent une cellule d'accueil des MRE."
    )
    expect(page.locator("#id_format")).to_have_value("workshop")
    expect(page.locator("#id_attendance-0-women")).to_have_value("7")

    page.get_by_role("button", name=texts["save"], exact=True).click()
    expect(page.get_by_text(texts["saved"])).to_be_visible()
    assert _drafts(page) == 0

    # Saved means gone: the empty form offers nothing.
    page.goto(form_url)
    expect(page.get_by_role("button", name=texts["restore"])).to_have_count(0)


def test_logout_leaves_no_draft_for_the_next_person(page, live_server, login):
    login(page, "editor.oujda")
    page.goto(f"{live_server.url}/communes/oujda/pac/2022/awareness/new/")
    page.locator("#id_place").fill("Salle polyvalente")
    assert _drafts(page) == 1
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()
    assert _drafts(page) == 0

    # Another editor on the same browser never sees it either (drafts are per user).
    login(page, "editor.nador")
    page.goto(f"{live_server.url}/communes/nador/pac/2022/awareness/new/")
    expect(page.get_by_role("button", name="Restaurer le texte non enregistré")).to_have_count(0)
