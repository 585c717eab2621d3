"""Financing lines and indicators as sheets of their own (actions.resources), through the door."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import Financing, Indicator
from actions.resources import FinancingResource, IndicatorResource
from communes import sheets
from communes.models import StepStatus
from tests.files import xlsx_file

from .conftest import build_ideas, decide, make_action

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def plan(cycle, ideas):
    """A-01: costs 2023 100,000 and 2025 50,000, PRIM 60,000. A-02: 2023 250,000.50, PRIM 0."""
    decide(ideas)
    first = make_action(cycle, ideas[:1], costs={2023: Decimal(100000), 2025: Decimal(50000)})
    make_action(cycle, ideas[1:2], cost=Decimal("250000.50"), financing=Decimal("0"))
    return first


def table(resource):
    return [list(sheets.labels_in(resource).values()), *map(list, sheets.rows_for(resource))]


def col(rows, key, resource):
    return list(sheets.labels_in(resource)).index(key)


def url(name, cycle, kind):
    return reverse(name, args=[cycle.commune.code, cycle.start_year, kind])


def upload(rows, name="lines.xlsx"):
    return xlsx_file(rows, name=name)


def lines():
    return sorted(Financing.objects.values_list("action__number", "source", "amount", "status"))


def test_round_trips_change_nothing(client_for, editor, cycle, plan):
    client = client_for(editor)
    for kind in ("financing", "indicators"):
        response = client.get(url("communes:sheet_export_xlsx", cycle, kind))
        values = [list(r) for r in load_workbook(io.BytesIO(response.content)).worksheets[0].values]
        assert [row[2] for row in values[1:]] == ["A-01", "A-02"]
        letter = "F" if kind == "financing" else "IND"
        assert values[1][0].startswith(f"A-01/{letter}")
        response = client.post(url("communes:sheet_import", cycle, kind), {"file": upload(values)})
        outcome = response.context["outcome"]
        assert outcome.errors == []
        assert (outcome.new, outcome.update, outcome.skip) == (0, 0, 2)
        response = client.get(url("communes:sheet_export_csv", cycle, kind))
        text = response.content.decode("utf-8-sig")
        assert text.splitlines()[1].startswith(f"A-01/{letter}")
    resource = IndicatorResource(cycle=cycle, user=editor)
    out = sheets.run(resource, table(IndicatorResource(cycle=cycle, user=editor)), dry_run=False)
    assert out.errors == [] and (out.new, out.update, out.skip) == (0, 0, 2)


def test_update_and_add_by_french_or_arabic_name_with_history(cycle, editor, plan):
    resource = FinancingResource(cycle=cycle, user=editor)
    rows = table(resource)
    source, amount = col(rows, "source", resource), col(rows, "amount", resource)
    rows[1][amount] = "80 000,00"  # A-01's PRIM line, a decimal comma
    new = [None, "oujda", "A-02", "ميزانية الجماعة", "", "", 50000, "reçu"]
    rows.append(new)
    rows.append([None, None, "a-1", "Région", "Conseil", "", 10000, None])
    rows[1][source] = "PRIM / bailleur"
    out = sheets.run(FinancingResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert out.errors == []
    assert (out.new, out.update, out.skip) == (2, 1, 1)
    assert lines() == [
        (1, "prim", Decimal("80000.00"), "committed"),
        (1, "region", Decimal("10000.00"), "planned"),
        (2, "commune", Decimal("50000.00"), "received"),
        (2, "prim", Decimal("0.00"), "committed"),
    ]
    assert {f.history.first().history_user for f in Financing.objects.all()} - {None} == {editor}
    assert Financing.objects.get(source="commune").history.first().history_user == editor
    # Exported again, the new lines have codes; imported again, nothing changes.
    again = table(FinancingResource(cycle=cycle, user=editor))
    out = sheets.run(FinancingResource(cycle=cycle, user=editor), again, dry_run=False)
    assert (out.new, out.update, out.skip) == (0, 0, 4)


def test_programme_years_and_cost_refused_with_row_and_column(cycle, editor, plan):
    """PRIM (2020-2024) pays only for the 100,000 of 2023, not for 2025's 50,000."""
    resource = FinancingResource(cycle=cycle, user=editor)
    rows = table(resource)
    amount = col(rows, "amount", resource)
    rows[1][amount] = 110000
    for dry_run in (True, False):
        out = sheets.run(FinancingResource(cycle=cycle, user=editor), rows, dry_run=dry_run)
        assert [(e.row, e.column) for e in out.errors] == [(2, rows[0][amount])]
        assert "2020-2024" in out.errors[0].message
    assert lines()[0][2] == Decimal("60000.00")
    # Above the whole cost: the row says by how much.
    rows[1][amount] = 10
    rows[2][amount] = 300000
    out = sheets.run(FinancingResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert [(e.row, e.column) for e in out.errors] == [(3, rows[0][amount])]
    assert "dépasse" in out.errors[0].message
    # Money moved from one source to another in two rows: only the end state counts.
    rows[2][amount] = 0
    rows[1][amount] = 100000
    rows.append([None, None, "A-01", "commune", "", "", 50000, "planned"])
    out = sheets.run(FinancingResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert out.errors == []
    assert lines()[:2] == [
        (1, "commune", Decimal("50000.00"), "planned"),
        (1, "prim", Decimal("100000.00"), "committed"),
    ]


def test_bad_cells_are_named(cycle, editor, plan):
    resource = FinancingResource(cycle=cycle, user=editor)
    rows = table(resource)
    rows.append([None, None, "A-09", "nowhere", "", "", "beaucoup", None])
    out = sheets.run(FinancingResource(cycle=cycle, user=editor), rows, dry_run=True)
    labels = rows[0]
    assert sorted((e.row, e.column) for e in out.errors) == sorted(
        [(4, labels[2]), (4, labels[3]), (4, labels[6])]
    )
    messages = " ".join(e.message for e in out.errors)
    assert "A-09" in messages and "nowhere" in messages and "beaucoup" in messages
    resource = IndicatorResource(cycle=cycle, user=editor)
    rows = table(resource)
    unit, target = col(rows, "unit", resource), col(rows, "target", resource)
    by_sex = col(rows, "by_sex", resource)
    rows[1][unit], rows[1][target] = "%", 120
    rows[2][by_sex] = "peut-être"
    out = sheets.run(IndicatorResource(cycle=cycle, user=editor), rows, dry_run=True)
    assert sorted((e.row, e.column) for e in out.errors) == sorted(
        [(2, rows[0][target]), (3, rows[0][by_sex])]
    )
    rows[1][target], rows[2][by_sex] = 80, "نعم"
    out = sheets.run(IndicatorResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert out.errors == [] and out.update == 2
    assert sorted(Indicator.objects.values_list("by_sex", "target")) == [
        (False, Decimal("80.00")),
        (True, Decimal("100.00")),
    ]


def test_error_on_the_last_row_writes_nothing(client_for, editor, cycle, plan):
    client = client_for(editor)
    response = client.get(url("communes:sheet_export_xlsx", cycle, "indicators"))
    values = [list(r) for r in load_workbook(io.BytesIO(response.content)).worksheets[0].values]
    values[1][3] = "Familles accueillies"
    values.append([None, None, "A-02", "Nouveau", "", "", "", "", None, "", "", "", "", ""])
    response = client.post(
        url("communes:sheet_import", cycle, "indicators"), {"file": upload(values)}
    )
    assert response.status_code == 400
    assert [e.row for e in response.context["outcome"].errors] == [4]
    # Written directly (as the confirmation does): still nothing.
    table_ = [values[0], *values[1:]]
    out = sheets.run(IndicatorResource(cycle=cycle, user=editor), table_, dry_run=False)
    assert [e.row for e in out.errors] == [4]
    assert sorted(Indicator.objects.values_list("name", flat=True)) == [
        "Personnes accueillies",
        "Personnes accueillies",
    ]


def test_scope_refusals(client_for, editor, other_editor, cycle, other_cycle, plan):
    other_ideas = build_ideas(other_cycle, 1, prefix="Other ")
    decide(other_ideas)
    other = make_action(other_cycle, other_ideas)
    theirs = Financing.objects.get(action=other)
    resource = FinancingResource(cycle=cycle, user=editor)
    rows = table(resource)
    rows[1][1] = other_cycle.commune.code
    rows[2][0] = f"A-01/F{theirs.pk}"
    out = sheets.run(FinancingResource(cycle=cycle, user=editor), rows, dry_run=True)
    assert sorted((e.row, e.column) for e in out.errors) == [(2, rows[0][1]), (3, rows[0][0])]
    assert Financing.objects.get(pk=theirs.pk).action == other
    assert (
        client_for(other_editor)
        .get(url("communes:sheet_export_xlsx", cycle, "financing"))
        .status_code
        == 404
    )
    response = client_for(other_editor).get(url("communes:sheet_import", cycle, "indicators"))
    assert response.status_code == 404


def test_permissions_and_the_step_lock(client_for, editor, viewer, cycle, plan):
    client = client_for(viewer)
    assert client.get(url("communes:sheet_export_xlsx", cycle, "financing")).status_code == 200
    assert client.get(url("communes:sheet_import", cycle, "financing")).status_code == 403
    assert (
        client.post(
            url("communes:sheet_import_confirm", cycle, "indicators"), {"token": "x"}
        ).status_code
        == 403
    )
    client = client_for(editor)
    response = client.get(url("communes:sheet_export_xlsx", cycle, "financing"))
    values = [list(r) for r in load_workbook(io.BytesIO(response.content)).worksheets[0].values]
    values[2][6] = 1000
    response = client.post(
        url("communes:sheet_import", cycle, "financing"), {"file": upload(values)}
    )
    assert response.context["outcome"].update == 1
    StepStatus.objects.filter(cycle=cycle, step=5).update(status="submitted")
    token = response.context["token"]
    response = client.post(
        url("communes:sheet_import_confirm", cycle, "financing"), {"token": token}
    )
    assert response.status_code == 403
    assert Financing.objects.get(action__number=2).amount == Decimal("0")
    StepStatus.objects.filter(cycle=cycle, step=5).update(status="in_progress")
    response = client.post(
        url("communes:sheet_import_confirm", cycle, "financing"), {"token": token}
    )
    assert response.status_code == 302
    assert Financing.objects.get(action__number=2).amount == Decimal("1000")
    line = Financing.objects.get(action__number=2)
    assert line.history.first().history_user == editor


def test_template_explains_each_column_in_french_and_arabic(client_for, editor, cycle, plan):
    response = client_for(editor).get(url("communes:sheet_template", cycle, "financing"))
    book = load_workbook(io.BytesIO(response.content))
    data, notes = book.worksheets
    assert list(next(data.values))[:3] == ["Code", "Commune", "Action"]
    rows = list(notes.values)
    source = next(r for r in rows if r[0] == "Source")
    assert "prim = PRIM / donor" in source[5] or "prim = PRIM" in source[5]
    assert source[2] == "oui / نعم"
    assert any("الجماعة" in (r[4] or "") or "الجماعة" in (r[1] or "") for r in rows)
