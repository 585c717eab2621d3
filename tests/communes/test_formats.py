"""One formatting module (``communes.numbers``): pages and the PAC annex print alike."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from actions.annex import tags
from communes import numbers
from communes.records import AwarenessSession

MOROCCAN_MONTHS = [
    "يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو",
    "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر",
]  # fmt: skip


@pytest.mark.parametrize("month", range(1, 13))
def test_pages_and_annex_write_the_same_moroccan_month_names(month):
    day = datetime.date(2022, month, 3)
    expected = f"3 {MOROCCAN_MONTHS[month - 1]} 2022"
    with translation.override("ar"):
        page = Template("{{ day|date }}").render(Context({"day": day}))
        assert page == date_format(day, "DATE_FORMAT") == expected
        assert tags.ldate(day) == numbers.long_date(day) == expected


def test_french_dates_keep_django_s_french_month_names():
    with translation.override("fr"):
        assert date_format(datetime.date(2022, 8, 25), "DATE_FORMAT") == "25 août 2022"
        assert numbers.long_date(datetime.date(2023, 2, 1)) == "1er février 2023"


@pytest.mark.django_db
def test_an_arabic_page_prints_may_as_in_morocco(client_for, editor, cycle):
    session = AwarenessSession.objects.create(
        cycle=cycle,
        date=datetime.date(2022, 5, 3),
        place="Oujda",
        format="meeting",
        facilitator="x",
    )
    client = client_for(editor)
    client.cookies["prim_language"] = "ar"
    page = client.get(
        reverse("communes:awareness_detail", args=["oujda", 2022, session.uuid])
    ).content.decode()
    assert "3 ماي 2022" in page
    assert "مايو" not in page


@pytest.mark.parametrize(
    "language,part,whole,text",
    [
        ("fr", 1, 8, "13\xa0%"),  # 12.5 rounds half up, on pages as in the annex
        ("ar", 3, 8, "38%"),
        ("fr", 0, 0, "-"),
    ],
)
def test_one_percent_rule(language, part, whole, text):
    with translation.override(language):
        assert numbers.percent(part, whole) == text
        if whole:
            assert tags.pct(numbers.ratio(part, whole)) == text


def test_money_reads_the_same_on_pages_and_in_the_annex():
    with translation.override("ar"):
        assert numbers.money(Decimal("64000")) == tags.mad(Decimal("64000")) == "64\u202f000 درهم"
