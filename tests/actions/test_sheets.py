"""PAC actions round-trip with their yearly costs (actions.resources)."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import ActionCost, IdeaDecision, PacAction
from actions.resources import ActionResource
from communes import sheets

from .conftest import decide, make_action

pytestmark = pytest.mark.django_db


def table(resource):
    return [list(sheets.labels_in(resource).values()), *map(list, sheets.rows_for(resource))]


@pytest.fixture
def plan(cycle, ideas):
    decide(ideas)
    first = make_action(cycle, ideas[:1], title="-Accueil")
    make_action(cycle, ideas[1:2], cost=Decimal("250000.50"), financing=Decimal("0"))
    return first


def test_round_trip_changes_nothing(cycle, editor, plan):
    rows = table(ActionResource(cycle=cycle, user=editor))
    labels = rows[0]
    assert "Coût 2023 (MAD)" in labels or "Cost 2023 (MAD)" in labels
    assert rows[1][0] == "A-01" and rows[1][2] == "'-Accueil"
    out = sheets.run(ActionResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert out.errors == []
    assert (out.new, out.update, out.skip) == (0, 0, 2)


def test_costs_update_and_money_rule(cycle, editor, plan, ideas):
    rows = table(ActionResource(cycle=cycle, user=editor))
    year = rows[0].index(next(h for h in rows[0] if "2024" in h))
    rows[2][year] = "1 000,50"  # a decimal comma
    out = sheets.run(ActionResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert out.errors == [] and out.update == 1
    costs = dict(ActionCost.objects.filter(action__number=2).values_list("year", "amount"))
    assert costs == {2023: Decimal("250000.50"), 2024: Decimal("1000.50")}
    cost = ActionCost.objects.get(action__number=2, year=2024)
    assert cost.history.first().history_user == editor
    # Financing 60,000 on A-01: its cost cannot go below it; the row names the rule.
    y2023 = rows[0].index(next(h for h in rows[0] if "2023" in h))
    rows = table(ActionResource(cycle=cycle, user=editor))
    rows[1][y2023] = 10
    out = sheets.run(ActionResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert [e.row for e in out.errors] == [2]
    assert "dépasse" in out.errors[0].message
    assert ActionCost.objects.get(action__number=1).amount == Decimal("100000")


def test_unknown_idea_and_new_action(cycle, editor, plan, ideas):
    rows = table(ActionResource(cycle=cycle, user=editor))
    new = list(rows[2])
    new[0] = None
    new[4] = "I-99"
    rows.append(new)
    out = sheets.run(ActionResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert [(e.row, e.column) for e in out.errors] == [(4, rows[0][4])]
    assert "I-99" in out.errors[0].message
    new[4] = ideas[2].code
    new[4 + 0] = ideas[2].code
    out = sheets.run(ActionResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert out.errors == [] and out.new == 1
    assert PacAction.objects.get(number=3).ideas.get() == ideas[2]


def test_viewer_exports_the_plan_editor_imports(client_for, viewer, plan, cycle):
    response = client_for(viewer).get(reverse("sheet_export_xlsx", args=["oujda", 2022, "actions"]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = list(sheet.values)
    assert values[1][0] == "A-01"
    assert len(values[0]) == len(values[1])
    assert values[2][-5] == 250000.5  # amounts are numbers in xlsx (2023)
    page = client_for(viewer).get(reverse("actions_pac", args=["oujda", 2022]))
    assert b"sheet_export" not in page.content
    assert b'data-sheet="actions"' in page.content
    assert reverse("sheet_import", args=["oujda", 2022, "actions"]).encode() not in page.content


def test_preview_checks_the_sheet_rules_without_writing(cycle, editor, plan, ideas):
    rows = table(ActionResource(cycle=cycle, user=editor))
    y2023 = rows[0].index(next(h for h in rows[0] if "2023" in h))
    rows[1][y2023] = 10  # below A-01's financing of 60,000
    new = list(rows[2])
    new[0], new[4] = None, ideas[3].code
    IdeaDecision.objects.filter(idea=ideas[3]).update(
        outcome=IdeaDecision.Outcome.REJECTED, reason="Hors compétence"
    )
    rows.append(new)
    twice = list(rows[2])
    twice[0] = None  # I-02 again, already in A-02
    rows.append(twice)
    out = sheets.run(ActionResource(cycle=cycle, user=editor), rows, dry_run=True)
    found = {e.row: e.message for e in out.errors}
    assert sorted(found) == [2, 4, 5]
    assert "dépasse" in found[2]
    assert ideas[3].code in found[4] and ideas[1].code in found[5]
    assert PacAction.objects.count() == 2
    assert ActionCost.objects.get(action__number=1).amount == Decimal("100000")
