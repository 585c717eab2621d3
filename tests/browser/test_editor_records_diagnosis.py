"""Browser story: Oujda's editor records a focus group with its participants grid, adds a
finding and an idea answering it, and sees the diagnosis summary update, in French and Arabic.

Screenshots (desktop and 390px phone, FR and AR) go to /tmp/shots/h4/ when that folder exists.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

SHOTS = Path(os.environ.get("PRIM_SHOTS", "/tmp/shots/h4"))
BASE = "/communes/oujda/pac/2022/diagnosis/"


def _shot(page, name):
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _figure(page, name):
    return page.locator(f"[data-figure={name}]").first.inner_text().strip()


@pytest.fixture
def returned_step(demo):
    """The demo validates every diagnosis; the coordinator reopens Oujda's, returned to the commune
    for one more session (a validated step is reopened, never returned)."""
    from communes.models import PlanningCycle, StepStatus, User
    from communes.services import step_reopen

    cycle = PlanningCycle.objects.get(commune__code="oujda", start_year=2022)
    step_reopen(
        cycle=cycle,
        step=3,
        by=User.objects.get(username="coord.oriental"),
        reason="Ajoutez un focus group avec les jeunes de retour.",
        to=StepStatus.Status.RETURNED,
    )
    return cycle


def test_editor_records_a_focus_group_finding_and_idea(page, live_server, login, returned_step):
    login(page, "editor.oujda")
    page.goto(live_server.url + BASE)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_text("Ajoutez un focus group avec les jeunes de retour.")).to_be_visible()
    participants_before = int(_figure(page, "participants"))
    ideas_before = int(_figure(page, "ideas"))
    _shot(page, "summary-fr-desktop")

    # A focus group with its grid: 6 women and 4 men returning MRE, 3 young women.
    page.get_by_role("link", name="Enregistrer une séance").first.click()
    page.locator("input[name=title]").fill("Focus group jeunes de retour")
    page.locator("input[name=title_ar]").fill("مجموعة بؤرية مع الشباب العائدين")
    page.locator("select[name=kind]").select_option("focus_group")
    page.locator("input[name=date]").fill("2023-01-24")
    page.locator("input[name=place]").fill("Hay El Qods")
    page.locator("input[name=languages][value=darija]").check()
    page.locator("tr[data-group=returning-mre] input[name$='-women_all']").fill("6")
    page.locator("tr[data-group=returning-mre] input[name$='-men_all']").fill("4")
    page.locator("tr[data-group=youth] input[name$='-women_all']").fill("3")
    page.locator("textarea[name=notes]").fill("Les jeunes revenus d'Espagne cherchent un emploi.")
    _shot(page, "session-form-fr-desktop")
    page.get_by_role("button", name="Enregistrer la séance").click()
    expect(page.get_by_text("Séance ajoutée.")).to_be_visible()
    expect(page.locator("tfoot")).to_contain_text("13")  # 9 women + 4 men
    _shot(page, "session-detail-fr-desktop")

    # A finding raised in that session.
    page.get_by_role("link", name="Constats").click()
    page.get_by_role("link", name="Ajouter un constat").click()
    page.locator("input[name=title]").fill("Jeunes de retour sans accompagnement vers l'emploi")
    page.locator("select[name=sector]").select_option(label="Emploi et inclusion économique")
    page.get_by_label("MRE de retour", exact=True).check()
    page.locator("input[name=severity][value='2']").check()
    page.locator("textarea[name=women_view]").fill("Les jeunes femmes veulent des formations.")
    page.locator("textarea[name=men_view]").fill(
        "Les jeunes hommes veulent un emploi tout de suite."
    )
    page.get_by_label(re.compile("Focus group jeunes de retour")).check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text(re.compile(r"Constat F-08 enregistré"))).to_be_visible()

    # An idea answering it, proposed from the finding itself (the finding comes ticked).
    page.locator(
        "article#finding-"
        + page.locator("article.finding").last.get_attribute("id").removeprefix("finding-")
    ).get_by_role("link", name="Proposer une idée").click()
    expect(page.get_by_label(re.compile("F-08"))).to_be_checked()
    page.locator("input[name=title]").fill("Accompagnement à l'emploi des jeunes de retour")
    page.locator("input[name=title_ar]").fill("مواكبة الشباب العائدين نحو الشغل")
    page.locator("select[name=sector]").select_option(label="Emploi et inclusion économique")
    page.locator("input[name=beneficiaries_women]").fill("40")
    page.locator("input[name=beneficiaries_men]").fill("40")
    _shot(page, "idea-form-fr-desktop")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Idée I-04 enregistrée.")).to_be_visible()
    _shot(page, "idea-detail-fr-desktop")

    # The summary counts them.
    page.get_by_role("link", name="Synthèse").click()
    assert int(_figure(page, "participants")) == participants_before + 13
    assert int(_figure(page, "ideas")) == ideas_before + 1
    expect(
        page.locator("#ideas-title + *, section")
        .filter(has_text="Accompagnement à l'emploi des jeunes de retour")
        .first
    ).to_be_visible()
    expect(page.get_by_role("button", name="Soumettre pour examen")).to_be_visible()

    # In Arabic, right to left, with the Arabic title of the idea.
    page.locator("button[name=language][value=ar]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="الإشكاليات المرصودة حسب القطاع")).to_be_visible()
    expect(page.get_by_text("مواكبة الشباب العائدين نحو الشغل").first).to_be_visible()
    assert int(_figure(page, "participants")) == participants_before + 13
    _shot(page, "summary-ar-desktop")

    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "summary-ar-phone")
    page.get_by_role("link", name="الجلسات").click()
    _shot(page, "sessions-ar-phone")
    page.goto(live_server.url + BASE + "sessions/new/")
    expect(page.locator("table.participants-grid")).to_be_visible()
    _shot(page, "session-form-ar-phone")
    page.goto(live_server.url + BASE + "sessions/new/?grid=age")
    _shot(page, "session-form-age-ar-phone")
    page.goto(live_server.url + BASE + "findings/")
    _shot(page, "findings-ar-phone")
    page.locator(".navbar-toggler").click()  # the menu is folded at phone width
    page.locator("button[name=language][value=fr]").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.goto(live_server.url + BASE + "sessions/new/")
    _shot(page, "session-form-fr-phone")
    page.goto(live_server.url + BASE)
    _shot(page, "summary-fr-phone")
    page.goto(live_server.url + BASE + "ideas/")
    _shot(page, "ideas-fr-phone")


def test_viewer_reads_the_diagnosis_without_edit_buttons(page, live_server, login):
    login(page, "viewer.oujda")
    page.goto(live_server.url + BASE)
    expect(page.get_by_role("heading", name="Constats par secteur")).to_be_visible()
    expect(page.get_by_role("link", name="Enregistrer une séance")).to_have_count(0)
    expect(
        page.get_by_text(re.compile(CELL := "Cellule communale d'accueil")).first
    ).to_be_visible()
    assert CELL
