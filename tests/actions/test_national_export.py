"""The national export of PAC actions: a function the bench times, a task, a page."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actions.exports import write_national_actions

from .conftest import build_ideas, decide, make_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_communes(cycle, other_cycle):
    here = build_ideas(cycle, 2)
    there = build_ideas(other_cycle, 1)
    decide(here)
    decide(there)
    make_action(cycle, here[:1], title="=danger", cost=Decimal("1000"), financing=Decimal("400"))
    make_action(cycle, here[1:], cost=Decimal("50"), financing=Decimal("0"))
    make_action(other_cycle, there, cost=Decimal("7"), financing=Decimal("0"))


def test_csv_and_xlsx_rows_scoped_to_the_user(two_communes, national, coordinator):
    out = io.BytesIO()
    assert write_national_actions(out, "csv", national) == 3
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 4
    first = next(r for r in rows if r[2] == "oujda" and r[5] == "A-01")
    assert first[6] == "'=danger"
    assert (first[16], first[17]) == ("1000.0", "400.0")
    out = io.BytesIO()
    assert write_national_actions(out, "xlsx", coordinator) == 2  # the Oriental only
    values = list(load_workbook(io.BytesIO(out.getvalue())).worksheets[0].values)
    assert {v[2] for v in values[1:]} == {"oujda"}
    assert sorted(v[16] for v in values[1:]) == [50, 1000]


def test_page_runs_the_task_and_offers_the_file(
    two_communes, client_for, national, editor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = client_for(national)
    assert client.get(reverse("national_export")).status_code == 200
    assert client.get(reverse("national_export_file", args=["csv"])).status_code == 404
    response = client.post(reverse("national_export"), {"fmt": "csv"})
    assert response.status_code == 302
    page = client.get(reverse("national_export"))
    assert b'data-state="done"' in page.content
    response = client.get(reverse("national_export_file", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 4
    assert client_for(editor).get(reverse("national_export")).status_code == 403
