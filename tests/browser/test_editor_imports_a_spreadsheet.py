"""Browser story: Oujda's editor downloads the findings template, fills it, sees the preview
name an error (row, column, message), fixes the file and imports it; then checks the preview
page in Arabic. Screenshots go to /tmp/data_*.png when PRIM_SHOTS_DATA=1.
"""

import os

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

BASE = "/communes/oujda/pac/2022/diagnosis/findings/"
SHOTS = os.environ.get("PRIM_SHOTS_DATA") == "1"


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"/tmp/data_{name}.png", full_page=True)


@pytest.fixture
def open_diagnosis(demo):
    """The demo validates Oujda's diagnosis: the coordinator reopens it for the commune."""
    from communes.models import PlanningCycle, StepStatus, User
    from communes.services import step_reopen

    cycle = PlanningCycle.objects.get(commune__code="oujda", start_year=2022)
    step_reopen(
        cycle=cycle,
        step=3,
        by=User.objects.get(username="coord.oriental"),
        reason="Ajoutez les constats de la réunion publique.",
        to=StepStatus.Status.RETURNED,
    )
    return cycle


def _fill(template, target, sector):
    book = load_workbook(template)
    sheet = book.worksheets[0]
    # Filled by column name, as a person would: the template's columns may grow.
    headers = [cell.value for cell in sheet[1]]
    values = {"Commune": "oujda", "Titre": "Manque de crèches", "Secteur": sector, "Gravité": "2"}
    sheet.append([values.get(header) for header in headers])
    book.save(target)


def test_editor_imports_findings_from_the_template(
    page, live_server, login, open_diagnosis, tmp_path
):
    from diagnostics.models import Finding

    before = Finding.objects.filter(cycle=open_diagnosis).count()
    login(page, "editor.oujda")
    page.goto(live_server.url + BASE)
    _shot(page, "findings_list_fr")
    page.get_by_role("link", name="Importer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import")
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le modèle (XLSX)").click()
    template = tmp_path / "template.xlsx"
    info.value.save_as(template)
    notes = load_workbook(template).worksheets[1]
    assert [c.value for c in next(notes.iter_rows(max_row=1))][:2] == ["Colonne", "العمود"]

    # A sector nobody knows: the preview names the row, the column and the value.
    wrong = tmp_path / "constats.xlsx"
    _fill(template, wrong, "Crèches")
    page.locator("input[type=file]").set_input_files(str(wrong))
    page.get_by_role("button", name="Vérifier le fichier").click()
    errors = page.locator("[data-import-errors] tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("2")
    expect(errors.first).to_contain_text("Secteur")
    expect(errors.first).to_contain_text("Crèches")
    expect(page.get_by_role("button", name="Confirmer l'import")).to_have_count(0)
    _shot(page, "preview_error_fr")
    assert Finding.objects.filter(cycle=open_diagnosis).count() == before

    # Fixed with the Arabic name of the sector: one row to add, confirmed.
    fixed = tmp_path / "constats-corrige.xlsx"
    _fill(template, fixed, "التربية والثقافة")
    page.locator("input[type=file]").set_input_files(str(fixed))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator("[data-count=new]")).to_contain_text("1")
    _shot(page, "preview_ok_fr")
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_text("Manque de crèches")).to_be_visible()
    assert Finding.objects.filter(cycle=open_diagnosis).count() == before + 1

    # In Arabic: the page is right to left and the error is explained in Arabic.
    page.locator("button[name=language][value=ar]").click()
    page.goto(live_server.url + "/communes/oujda/pac/2022/sheets/findings/import/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("input[type=file]").set_input_files(str(wrong))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-import-errors] tbody tr")).to_have_count(1)
    _shot(page, "preview_error_ar")
