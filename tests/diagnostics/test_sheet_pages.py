"""The export, template and import pages of a list (communes.imports), through the door."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import StepStatus
from diagnostics.models import Finding, Sector
from tests.factories import FindingFactory
from tests.files import xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Previewed files wait in default_storage: each test gets an empty one."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def url(name, cycle, kind="findings"):
    return reverse(name, args=[cycle.commune.code, cycle.start_year, kind])


def upload(rows, name="findings.xlsx"):
    return xlsx_file(rows, name=name)


HEAD = ["Code", "Commune", "Titre", "Secteur", "Gravité"]


def test_export_xlsx_in_french_with_neutralised_formula(client_for, editor, cycle):
    FindingFactory(cycle=cycle, title='=HYPERLINK("http://x")')
    response = client_for(editor).get(url("communes:sheet_export_xlsx", cycle))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.values)
    assert rows[0][:6] == (
        "Code",
        "Commune",
        "Titre",
        "Titre en arabe",
        "Résumé (français)",
        "Résumé (arabe)",
    )
    assert rows[1][0] == "F-01" and rows[1][2] == '\'=HYPERLINK("http://x")'


def test_export_csv_in_arabic(client_for, editor, cycle):
    FindingFactory(cycle=cycle, title="@SUM(1)")
    client = client_for(editor)
    client.cookies["django_language"] = "ar"
    response = client.get(url("communes:sheet_export_csv", cycle), HTTP_ACCEPT_LANGUAGE="ar")
    text = response.content.decode("utf-8-sig")
    assert "الرمز" in text.splitlines()[0] or "الجماعة" in text.splitlines()[0]
    assert "'@SUM(1)" in text


def test_template_has_columns_and_a_bilingual_second_sheet(client_for, editor, cycle):
    response = client_for(editor).get(url("communes:sheet_template", cycle))
    book = load_workbook(io.BytesIO(response.content))
    data, notes = book.worksheets
    assert list(data.values) == [
        (
            "Code",
            "Commune",
            "Titre",
            "Titre en arabe",
            "Résumé (français)",
            "Résumé (arabe)",
            "Secteur",
            "Groupes concernés",
            "Gravité",
            "Ce que les femmes ont dit (français)",
            "Ce que les femmes ont dit (arabe)",
            "Ce que les hommes ont dit (français)",
            "Ce que les hommes ont dit (arabe)",
        )
    ]
    notes_rows = list(notes.values)
    assert notes_rows[0][:2] == ("Colonne", "العمود")
    sector_row = next(r for r in notes_rows if r[0] == "Secteur")
    sector = Sector.objects.first()
    assert sector.code in sector_row[5] and sector.name_ar in sector_row[5]
    assert sector_row[1]  # the Arabic name of the column


def test_scope_outsider_404_viewer_403(client_for, other_editor, viewer, cycle):
    assert client_for(other_editor).get(url("communes:sheet_export_xlsx", cycle)).status_code == 404
    client = client_for(viewer)
    assert client.get(url("communes:sheet_export_xlsx", cycle)).status_code == 200
    assert client.get(url("communes:sheet_import", cycle)).status_code == 403
    assert (
        client.post(url("communes:sheet_import_confirm", cycle), {"token": "x"}).status_code == 403
    )


def test_preview_then_confirm_writes_with_history(client_for, editor, cycle):
    sector = Sector.objects.first()
    client = client_for(editor)
    rows = [HEAD, [None, "oujda", "Eau", sector.name_fr, 2], [None, None, "ماء", sector.code, "3"]]
    response = client.post(url("communes:sheet_import", cycle), {"file": upload(rows)})
    assert response.context["outcome"].errors == []
    assert response.status_code == 200
    assert response.context["outcome"].new == 2
    assert Finding.objects.count() == 0
    token = response.context["token"]
    response = client.post(url("communes:sheet_import_confirm", cycle), {"token": token})
    assert response.status_code == 302
    assert sorted(Finding.objects.values_list("title", flat=True)) == ["Eau", "ماء"]
    assert {f.history.first().history_user for f in Finding.objects.all()} == {editor}
    # the token is used up
    response = client.post(url("communes:sheet_import_confirm", cycle), {"token": token})
    assert response.status_code == 400 and Finding.objects.count() == 2


def test_error_on_last_row_writes_nothing(client_for, editor, cycle):
    sector = Sector.objects.first()
    rows = [HEAD] + [[None, None, f"Need {i}", sector.code, 1] for i in range(5)]
    rows.append([None, None, "Bad", "no-such-sector", 1])
    response = client_for(editor).post(url("communes:sheet_import", cycle), {"file": upload(rows)})
    assert response.status_code == 400
    errors = response.context["outcome"].errors
    assert [(e.row, e.column) for e in errors] == [(7, "Secteur")]
    assert "no-such-sector" in errors[0].message
    assert Finding.objects.count() == 0
    assert "token" not in response.context or not response.context["token"]


def test_locked_step_refuses_the_confirmation(client_for, editor, cycle):
    sector = Sector.objects.first()
    client = client_for(editor)
    response = client.post(
        url("communes:sheet_import", cycle),
        {"file": upload([HEAD, [None, None, "Eau", sector.code, 1]])},
    )
    StepStatus.objects.filter(cycle=cycle, step=3).update(status="submitted")
    response = client.post(
        url("communes:sheet_import_confirm", cycle), {"token": response.context["token"]}
    )
    assert response.status_code == 403
    assert Finding.objects.count() == 0
    assert client.get(url("communes:sheet_import", cycle)).status_code == 403


def test_large_file_is_checked_and_written_by_a_job(
    client_for, editor, cycle, monkeypatch, settings, tmp_path
):
    from communes import sheets

    monkeypatch.setattr(sheets, "ASYNC_ROWS", 3)
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    sector = Sector.objects.first()
    rows = [HEAD] + [[None, None, f"Need {i}", sector.code, 1] for i in range(5)]
    client = client_for(editor)
    response = client.post(url("communes:sheet_import", cycle), {"file": upload(rows)})
    assert response.status_code == 302 and "phase=check" in response["Location"]
    preview = client.get(response["Location"])
    assert preview.context["outcome"].new == 5 and Finding.objects.count() == 0
    response = client.post(
        url("communes:sheet_import_confirm", cycle), {"token": preview.context["token"]}
    )
    assert "phase=write" in response["Location"]
    done = client.get(response["Location"])
    assert done.status_code == 302 and done["Location"].endswith("/diagnosis/findings/")
    assert Finding.objects.count() == 5
    assert list(tmp_path.joinpath("imports").iterdir()) == []  # the stored file is gone
