"""The PAC annex as a reader gets it: text, totals, pages, metadata, in French and in Arabic.

Each test renders a real PDF with WeasyPrint (about two seconds each) and reads it back
with pypdf, as a reviewer's PDF reader would.
"""

import re
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import translation

from actions import models as am
from actions.annex.data import gather_annex
from actions.annex.render import render_annex
from tests.actions.annex_support import (
    AMOUNT,
    parse_amount,
    pdf_text,
    reader,
    squash,
    to_unicode_maps,
)


def french_amount(amount: Decimal) -> str:
    """216000 -> '216 000' (no-break space), as the French annex writes whole dirhams."""
    return f"{amount:,.0f}".replace(",", "\u00a0")


def db_totals(cycle):
    costs = am.ActionCost.objects.filter(action__cycle=cycle)
    return {
        "total": costs.aggregate(t=Sum("amount"))["t"],
        "by_year": dict(
            costs.values("year").annotate(t=Sum("amount")).order_by().values_list("year", "t")
        ),
        "financing": am.Financing.objects.filter(action__cycle=cycle).aggregate(t=Sum("amount"))[
            "t"
        ],
    }


@pytest.mark.django_db
def test_french_annex_shows_every_action_and_totals_equal_the_database(annex_cycle):
    pdf = render_annex(gather_annex(annex_cycle), "fr")
    text = pdf_text(pdf)
    pages = reader(pdf).pages

    assert "Annexe genre et migration du PAC" in text
    assert "Commune d'Oujda" in text
    assert "وجدة" in text  # the commune's Arabic name, on the cover
    assert "Programme d'action de la commune (PAC) 2022-2027" in text
    assert "Délibération n° 07/2023 du 7 février 2023" in text
    for action in am.PacAction.objects.filter(cycle=annex_cycle):
        assert squash(action.title) in squash(text), action.title
        assert action.code in text
    # Every page says where it is: "page N / M", M the real page count.
    assert len(pages) >= 8
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in page.extract_text()

    # The totals, read back from the budget section, are the database's.
    expected = db_totals(annex_cycle)
    budget = text[text.index("5. Budget des actions genre et migration") :]
    rows = dict(re.findall(rf"^(20\d\d) ({AMOUNT})$", budget, re.M))
    years = {int(y): parse_amount(v) for y, v in rows.items()}
    assert years == {y: expected["by_year"].get(y, Decimal(0)) for y in annex_cycle.years}
    total = parse_amount(re.search(rf"^Total ({AMOUNT})$", budget, re.M).group(1))
    assert total == expected["total"] == sum(years.values())
    financing = re.search(rf"^Total des financements ({AMOUNT})$", budget, re.M).group(1)
    assert parse_amount(financing) == expected["financing"]
    assert f"{total:,.0f}".replace(",", "\u00a0") + " MAD" in text  # the cover figure of step 5
    # The summary table's total row: one figure per year, then the grand total.
    year_cells = " ".join([rf"({AMOUNT})"] * len(annex_cycle.years))
    row = re.search(rf"^Total {year_cells} ({AMOUNT})$", text, re.M)
    figures = [parse_amount(v) for v in row.groups()]
    assert figures[:-1] == [years[y] for y in annex_cycle.years]
    assert figures[-1] == total

    # Each action's sheet: its yearly costs on one row, then its total, as in the database.
    for action in am.PacAction.objects.filter(cycle=annex_cycle).prefetch_related("costs"):
        yearly = sorted((c.year, c.amount) for c in action.costs.all() if c.amount)
        assert yearly, action.code
        row = " · ".join(f"{year} : {french_amount(amount)}" for year, amount in yearly)
        action_total = sum(amount for _, amount in yearly)
        expected_row = f"Coût par année {row} · total {french_amount(action_total)} MAD"
        assert squash(expected_row) in squash(text), expected_row


@pytest.mark.django_db
def test_arabic_annex_is_shaped_in_logical_order_and_right_to_left(annex_cycle):
    with translation.override("fr"):  # a user browsing in French downloads the Arabic annex
        data = gather_annex(annex_cycle)
    pdf = render_annex(data, "ar")
    text = pdf_text(pdf)
    pages = reader(pdf).pages

    # Golden check: pure Arabic runs come out of the PDF in logical order.
    assert "ملحق النوع الاجتماعي والهجرة لبرنامج عمل الجماعة" in text
    assert "برنامج عمل الجماعة" in text
    assert "جماعة وجدة" in text
    assert "المملكة المغربية" in text
    assert "ةعامجلا" not in text  # never the letters of "الجماعة" in visual (reversed) order
    for action in am.PacAction.objects.filter(cycle=annex_cycle):
        for word in action.title_ar.split()[:-1]:  # the last word carries the number
            assert word in text, word
    # Labels are in the annex's language, whatever the language the data was gathered in.
    assert "دورة عادية" in text and "رأي بالموافقة" in text  # ordinary session, favourable
    assert "session ordinaire" not in text
    assert "دجنبر" in text  # Moroccan month names (31 دجنبر 2027, the actions' end)
    assert "فبراير" in text

    # Joined letters: HarfBuzz picked contextual forms (several glyphs for one letter)
    # and the lam-alef ligature (one glyph for two letters).
    maps = to_unicode_maps(pdf)
    naskh = next(m for name, m in maps.items() if "Naskh-Arabic" in name)
    assert sum(1 for text_ in naskh.values() if text_ == "م") >= 2
    assert any(text_ == "لا" for m in maps.values() for text_ in m.values())

    # Page numbers in Arabic, and the amount in dirhams.
    assert f"{len(pages)} / 1 صفحة" in pages[0].extract_text()
    # The cover's period in its own order (pypdf reads the line as laid out, right to left:
    # without the isolate it came out as "2027-2022 برنامج عمل الجماعة").
    assert "2022-2027 برنامج عمل الجماعة" in pages[0].extract_text()
    # The budget by year, recomputed from the Arabic text too (pypdf glues each year to its
    # amount in right-to-left rows: "2023" + "60 000" comes out as "202360 000").
    expected = db_totals(annex_cycle)
    budget = text.replace("\u00a0", " ").replace("\u202f", " ")
    budget = budget[budget.index("ميزانية مشاريع النوع الاجتماعي والهجرة") :]
    years = {
        int(line[:4]): parse_amount(line[4:])
        for line in budget.splitlines()
        if re.fullmatch(r"20\d\d\d{1,3}(?: \d{3})*", line)
    }
    assert years == {y: expected["by_year"].get(y, Decimal(0)) for y in annex_cycle.years}
    total = re.search(r"^المجموع(\d{1,3}(?: \d{3})*)$", budget, re.M).group(1)
    assert parse_amount(total) == expected["total"] == sum(years.values())
    # The total in dirhams on the budget section (pypdf glues it to the word: "درهم1 920 000").
    total_text = f"{expected['total']:,.0f}".replace(",", " ")
    assert f"درهم{total_text}" in budget or f"{total_text} درهم" in budget


@pytest.mark.django_db
def test_pdf_is_tagged_pdf_ua_with_title_and_language(annex_cycle):
    data = gather_annex(annex_cycle)
    for language, title in (
        ("fr", "Annexe genre et migration du PAC - Oujda 2022-2027"),
        ("ar", "ملحق النوع الاجتماعي والهجرة لبرنامج عمل الجماعة - وجدة 2022-2027"),
    ):
        pdf = render_annex(data, language)
        doc = reader(pdf)
        catalog = doc.trailer["/Root"]
        assert catalog["/Lang"] == language
        assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
        assert "/StructTreeRoot" in catalog
        assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
        assert doc.metadata.title == title
        xmp = catalog["/Metadata"].get_object().get_data().decode()
        assert re.search(r'pdfuaid:part(="1"|>1<)', xmp)  # PDF/UA-1
