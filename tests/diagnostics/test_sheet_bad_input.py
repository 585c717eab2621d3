"""Bad files and bad cells: each gets a plain message, nothing is written, never a 500."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from communes import sheets
from diagnostics.models import Finding, ProjectIdea, Sector
from diagnostics.resources import FindingResource, IdeaResource
from tests.factories import FindingFactory
from tests.files import xlsx_file

pytestmark = pytest.mark.django_db

HEAD = ["Code", "Commune", "Titre", "Secteur", "Gravité"]


def xlsx(rows, *, merge=None, formula=None, name="f.xlsx"):
    return xlsx_file(rows, merge=merge, formula=formula, name=name)


def csv_file(text, name="f.csv", encoding="utf-8"):
    out = io.BytesIO(text.encode(encoding))
    out.name = name
    return out


def refused(fileobj) -> str:
    with pytest.raises(sheets.Refused) as caught:
        sheets.read_table(fileobj, fileobj.name)
    return caught.value.message


def check(cycle, user, table):
    return sheets.run(FindingResource(cycle=cycle, user=user), table, dry_run=False)


@pytest.fixture
def sector():
    return Sector.objects.first()


# --- Whole files ---


def test_renamed_binary_and_wrong_types():
    assert "n'est pas un classeur Excel" in refused(csv_file("%PDF-1.4 ...", name="sheet.xlsx"))
    png = io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00")
    png.name = "list.csv"
    assert ".xlsx ou .csv" in refused(png)
    assert ".xlsx ou .csv" in refused(csv_file("a,b", name="notes.txt"))
    old = io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    old.name = "old.xls"
    assert "(.xls)" in refused(old)
    not_utf8 = csv_file("Titre\nالماء\n", encoding="cp1256")
    assert "UTF-8" in refused(not_utf8)


def test_empty_files():
    assert refused(csv_file("")) == "Le fichier est vide."
    assert "première ligne" in refused(xlsx([]))
    assert "première ligne" in refused(csv_file("\n\n"))


def test_merged_cells_and_formulas(sector):
    merged = xlsx([HEAD, [None, None, "Eau", sector.code, 1]], merge="C2:D2")
    assert "cellules fusionnées" in refused(merged)
    formula = xlsx([HEAD, [None, None, "Eau", sector.code, 1]], formula="E2")
    assert "E2" in refused(formula) and "formule" in refused(
        xlsx([HEAD, [None, None, "Eau", sector.code, 1]], formula="E2")
    )


def test_zip_bomb_shape(monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 5_000_000)
    out.seek(0)
    out.name = "bomb.xlsx"
    assert "décompresse" in refused(out)
    damaged = io.BytesIO(b"PK\x03\x04 not really a zip")
    damaged.name = "broken.xlsx"
    assert "endommagé" in refused(damaged)


def test_too_many_rows_and_too_large(client_for, editor, cycle):
    many = csv_file("Titre\n" + "x\n" * 50_000)
    assert "50000" in refused(many).replace("\u202f", "").replace(",", "")
    response = client_for(editor).post(
        reverse("communes:sheet_import", args=["oujda", 2022, "findings"]),
        {"file": csv_file("Titre\n" + ("x" * 1023 + "\n") * 30 * 1024)},
    )
    assert response.status_code == 400
    assert "limite est de 10 Mo" in response.context["refused"]
    assert Finding.objects.count() == 0


# --- Columns ---


def test_missing_and_extra_columns(cycle, editor, sector):
    out = check(cycle, editor, [["Code", "Titre", "Couleur"], [None, "Eau", "bleu"]])
    messages = [e.message for e in out.errors]
    assert any("Couleur" in m and "n'est pas une colonne" in m for m in messages)
    assert any("Secteur" in m and "manque" in m for m in messages)
    assert any("Gravité" in m and "manque" in m for m in messages)
    assert Finding.objects.count() == 0


def test_headers_in_arabic_or_english_are_accepted_other_languages_not(cycle, editor, sector):
    from django.utils import translation

    resource = FindingResource(cycle=cycle, user=editor)
    labels = sheets.labels_in(resource, "ar")
    values = {"commune": "oujda", "title": "الماء", "sector": sector.name_ar, "severity": "2"}
    arabic_table = [list(labels.values()), [values.get(key, "") for key in labels]]
    assert check(cycle, editor, arabic_table).errors == []
    english = [["Title", "Sector", "Severity"], ["Water", sector.code, 1]]
    assert check(cycle, editor, english).errors == []
    with translation.override("fr"):
        spanish = [["Título", "Sector", "Gravedad"], ["Agua", sector.code, 1]]
        messages = [e.message for e in check(cycle, editor, spanish).errors]
    assert any("Título" in m for m in messages)
    assert sorted(Finding.objects.values_list("title", flat=True)) == ["Water", "الماء"]


# --- Cells and rows ---


def test_values_by_french_or_arabic_name_or_code(cycle, editor, sector):
    rows = [
        HEAD,
        [None, None, "A", sector.code.upper(), "1"],
        [None, None, "B", f"  {sector.name_fr} ", 2.0],
        [None, None, "C", sector.name_ar, "3 - critique"],
    ]
    out = check(cycle, editor, rows)
    assert out.errors == [] and out.new == 3
    assert set(Finding.objects.values_list("sector", flat=True)) == {sector.pk}
    assert sorted(Finding.objects.values_list("severity", flat=True)) == [1, 2, 3]


def test_commune_outside_the_page_and_unknown_code_and_duplicates(cycle, editor, sector):
    FindingFactory(cycle=cycle)
    rows = [
        HEAD,
        [None, "sidi-bibi", "Eau", sector.code, 1],
        ["F-07", "oujda", "Eau", sector.code, 1],
        ["F-01", "oujda", "Eau", sector.code, 1],
        ["f-1", "oujda", "Eau bis", sector.code, 1],
    ]
    out = check(cycle, editor, rows)
    found = [(e.row, e.column) for e in out.errors]
    assert found == [(2, "Commune"), (3, "Code"), (5, "Code")]
    assert "sidi-bibi" in out.errors[0].message
    assert "F-07" in out.errors[1].message
    assert "ligne 4" in out.errors[2].message
    assert Finding.objects.get().title != "Eau"


def test_idea_referring_to_unknown_finding_and_numbers(cycle, editor, sector):
    FindingFactory(cycle=cycle)
    head = ["Titre", "Secteur", "Constats auxquels elle répond", "Bénéficiaires estimés : femmes"]
    resource = IdeaResource(cycle=cycle, user=editor)
    women = sheets.labels_in(resource)["beneficiaries_women"]
    head[3] = women
    rows = [head, ["A", sector.code, "F-01", "1 200"], ["B", sector.code, "F-01; F-02", "1,5"]]
    out = sheets.run(resource, rows, dry_run=False)
    assert [(e.row, e.column) for e in out.errors] == [(3, women), (3, head[2])]
    assert ProjectIdea.objects.count() == 0
    rows[2] = ["B", sector.code, "f-01", "٣٠"]
    out = sheets.run(IdeaResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert out.errors == []
    assert sorted(ProjectIdea.objects.values_list("beneficiaries_women", flat=True)) == [30, 1200]


def test_parsers():
    assert sheets.parse_date("14/03/2025") == date(2025, 3, 14)
    assert sheets.parse_date("2025-03-14") == date(2025, 3, 14)
    assert sheets.parse_date(45730) == date(2025, 3, 14)  # an Excel serial number
    assert sheets.parse_date("45730") == date(2025, 3, 14)
    with pytest.raises(ValueError, match="n'est pas une date"):
        sheets.parse_date("mars 2025")
    assert sheets.parse_decimal("1 234,50") == Decimal("1234.50")
    assert sheets.parse_decimal("1.234,5") == Decimal("1234.5")
    assert sheets.parse_decimal("1,234.5") == Decimal("1234.5")
    assert sheets.parse_decimal("١٢٣٫٥") == Decimal("123.5")
    with pytest.raises(ValueError, match="n'est pas un nombre"):
        sheets.parse_decimal("douze")
    assert sheets.escape("=1+1") == "'=1+1" and sheets.escape("-3") == "'-3"
    assert sheets.escape(-3) == -3 and sheets.unescape("'@x") == "@x"
    assert sheets.unescape("'quote") == "'quote"
