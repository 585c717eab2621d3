"""PAC actions round-trip with their yearly costs (actions.resources)."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import ActionCost, IdeaDecision, PacAction
from actions.resources import ActionResource
from communes import sheets
from tests.files import xlsx_file

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
    response = client_for(viewer).get(
        reverse("communes:sheet_export_xlsx", args=["oujda", 2022, "actions"])
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = list(sheet.values)
    assert values[1][0] == "A-01"
    assert len(values[0]) == len(values[1])
    assert values[2][-5] == 250000.5  # amounts are numbers in xlsx (2023)
    page = client_for(viewer).get(reverse("actions:pac", args=["oujda", 2022]))
    assert b"sheet_export" not in page.content
    assert b'data-sheet="actions"' in page.content
    assert (
        reverse("communes:sheet_import", args=["oujda", 2022, "actions"]).encode()
        not in page.content
    )


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


# --- A confirmed import writes in bulk -----------------------------------------------------------


def _new_rows(rows, ideas):
    """Rows adding one action for each idea, copied from A-02's row."""
    out = []
    for idea in ideas:
        new = list(rows[2])
        new[0], new[4] = None, idea.code
        out.append(new)
    return out


def test_bulk_write_numbers_history_and_links(cycle, editor, plan, ideas):
    from actions import services
    from actions.models import ActionIdea
    from tests.actions.conftest import build_ideas, decide

    more = build_ideas(cycle, 3, prefix="More ")
    decide(more)
    rows = table(ActionResource(cycle=cycle, user=editor))
    snia = rows[0].index(next(h for h in rows[0] if "SNIA" in h))
    rows[1][snia] = ""  # A-01 leaves its SNIA programme
    rows += _new_rows(rows, [ideas[2], *more])
    out = sheets.confirm(_xlsx(rows), kind="actions", cycle=cycle, user=editor, name="actions.xlsx")
    assert out.errors == [] and (out.new, out.update, out.skip) == (4, 1, 1)
    actions = {a.number: a for a in PacAction.objects.all()}
    assert sorted(actions) == [1, 2, 3, 4, 5, 6]
    assert [actions[n].ideas.get() for n in (3, 4, 5, 6)] == [ideas[2], *more]
    assert not actions[1].snia_programmes.exists()
    assert actions[3].snia_programmes.count() == actions[2].snia_programmes.count() == 1
    for number in (1, 3, 6):
        record = actions[number].history.first()
        assert record.history_user == editor
        assert [row.sniaprogramme_id for row in record.snia_programmes.all()] == [
            p.pk for p in actions[number].snia_programmes.all()
        ]
    assert actions[1].history.first().history_type == "~"
    assert actions[1].version == 2
    assert ActionIdea.objects.get(action=actions[6]).history.first().history_user == editor
    cost = ActionCost.objects.get(action=actions[6])
    assert (cost.year, cost.amount) == (2023, Decimal("250000.50"))
    assert cost.history.first().history_user == editor
    # The counter moved past the block: the next action made on its sheet is A-07.
    extra = build_ideas(cycle, 1, prefix="Extra ")
    decide(extra)
    assert services.action_create(cycle=cycle, ideas=extra, by=editor).number == 7
    # Exported again, nothing to change.
    again = table(ActionResource(cycle=cycle, user=editor))
    out = sheets.run(ActionResource(cycle=cycle, user=editor), again, dry_run=False)
    assert out.errors == [] and (out.new, out.update) == (0, 0)


def test_bulk_write_queries_do_not_grow_with_the_rows(cycle, editor, plan, ideas):
    """3 new actions or 9: the same queries (numbers in one block, rows and history in bulk)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.actions.conftest import build_ideas, decide

    more = build_ideas(cycle, 12, prefix="More ")
    decide(more)
    counts = []
    for group in (more[:3], more[3:12]):
        rows = table(ActionResource(cycle=cycle, user=editor))
        rows = [rows[0], *_new_rows(rows, group)]  # new rows only
        with CaptureQueriesContext(connection) as captured:
            out = sheets.confirm(
                _xlsx(rows), kind="actions", cycle=cycle, user=editor, name="actions.xlsx"
            )
        assert out.errors == [] and out.new == len(group)
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert PacAction.objects.count() == 14


def test_bad_last_row_and_locked_step_write_nothing(cycle, editor, plan, ideas):
    from communes.errors import StepLocked
    from communes.models import StepStatus
    from communes.numbering import NumberCounter

    rows = table(ActionResource(cycle=cycle, user=editor))
    rows += _new_rows(rows, [ideas[2]])
    year = rows[0].index(next(h for h in rows[0] if "2024" in h))
    bad = _new_rows(rows, [ideas[3]])[0]
    bad[year] = "-5"
    counter = NumberCounter.objects.get(cycle=cycle, kind="actions.pacaction").last
    out = sheets.confirm(
        _xlsx([*rows, bad]), kind="actions", cycle=cycle, user=editor, name="actions.xlsx"
    )
    assert [e.row for e in out.errors] == [5]
    assert PacAction.objects.count() == 2
    assert NumberCounter.objects.get(cycle=cycle, kind="actions.pacaction").last == counter
    StepStatus.objects.filter(cycle=cycle, step=5).update(status="submitted")
    with pytest.raises(StepLocked):
        sheets.confirm(_xlsx(rows), kind="actions", cycle=cycle, user=editor, name="a.xlsx")
    assert PacAction.objects.count() == 2


def _xlsx(rows):
    return xlsx_file(rows)


def test_reimport_queries_do_not_grow_with_stored_rows(cycle, editor, plan):
    """An unchanged export of 2 actions or of 6: the same queries (the stored costs, ideas and
    reference lists come from one prefetch, not a query a row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.actions.conftest import build_ideas, decide

    counts = []
    for _round in range(2):
        rows = table(ActionResource(cycle=cycle, user=editor))
        with CaptureQueriesContext(connection) as captured:
            out = sheets.confirm(
                _xlsx(rows), kind="actions", cycle=cycle, user=editor, name="actions.xlsx"
            )
        assert out.errors == [] and (out.new, out.update) == (0, 0)
        counts.append(len(captured))
        more = build_ideas(cycle, 4, prefix="More ")
        decide(more)
        for idea in more:
            make_action(cycle, [idea])
    assert counts[0] == counts[1]
