"""The report figures stored per cycle (``prim.figures``): a missing row is computed and stored,
and every kind of write shows in the next report at once (never a stale figure)."""

from decimal import Decimal

import pytest
from django.db.models import F

from actions import followup
from actions.models import ActionChange, ActionYear, PacAction
from actions.resources import ActionResource
from communes import sheets
from communes.models import Commune
from communes.services import awareness_session_delete, awareness_session_save
from diagnostics.models import ProjectIdea, TargetGroup
from prim.figures import from_json, group_meta
from prim.models import CycleFigures
from prim.reports import Filters, build_report, commune_figures, total_of
from tests.actions.conftest import build_ideas, decide, make_action
from tests.actions.test_adopted import deliberation
from tests.factories import (
    AwarenessSessionFactory,
    ConsultationSessionFactory,
    ParticipationFactory,
)
from tests.files import xlsx_file
from tests.prim.test_reports import _as_numbers

pytestmark = pytest.mark.django_db


def current():
    """The stored rows a report reads as they are (computed at the cycle's current epoch)."""
    return CycleFigures.objects.filter(data_epoch=F("epoch"))


def _country():
    return build_report(Commune.objects.all(), Filters(), group_by="region").total


def _own(cycles):
    """The sum of the communes' own pages (their figures read live)."""
    return _as_numbers(total_of(commune_figures(c) for c in cycles))


@pytest.fixture
def filled(cycle, other_cycle):
    for c in (cycle, other_cycle):
        AwarenessSessionFactory(cycle=c, attendance={"elected": (4, 6)})
        session = ConsultationSessionFactory(cycle=c)
        mre = TargetGroup.objects.get(code="mre")
        ParticipationFactory(session=session, group=mre, women=9, men=7)
        ideas = build_ideas(c, 3)
        decide(ideas)
        make_action(c, ideas[:1], cost=Decimal("100000.25"), migration_marker=2)
        make_action(c, ideas[1:2], financing=Decimal("0"))
    return cycle, other_cycle


def test_a_missing_row_is_computed_stored_and_read_back_the_same(filled):
    CycleFigures.objects.all().delete()
    first = _country()
    meta = group_meta()
    stored = {row.cycle_id: from_json(row.data, meta) for row in current()}
    assert set(stored) == {c.pk for c in filled}
    for c in filled:
        assert _as_numbers(stored[c.pk]) == _as_numbers(commune_figures(c))
    second = _country()  # read from the rows
    assert _as_numbers(second) == _as_numbers(first) == _own(filled)
    assert second.cost.total == (Decimal("100000.25") + Decimal("100000")) * 2  # 2 cycles


def test_a_step_record_saved_or_deleted_through_its_service_shows_at_once(filled, editor):
    cycle, _other = filled
    before = _country()
    assert current().count() == 2
    session = cycle.awareness_sessions.get()
    awareness_session_save(
        session=session,
        attendance={"elected": (14, 6)},
        by=editor,
        loaded_version=session.version,
    )
    after = _country()
    assert after.sensitised_women == before.sensitised_women + 10
    assert _as_numbers(after) == _own(filled)
    awareness_session_delete(session=session, by=editor)
    gone = _country()
    assert gone.sensitised == before.sensitised - 10
    assert _as_numbers(gone) == _own(filled)


def test_a_follow_up_year_shows_at_once(filled):
    cycle, _other = filled
    before = _country()
    action = PacAction.objects.filter(cycle=cycle).order_by("number").first()
    adoption = deliberation(cycle)
    adoption.save()
    ActionChange.objects.create(action=action, deliberation=adoption, change="adopted")
    before = _country()
    followup.action_year_save(
        action=action,
        year=2024,
        status=ActionYear.Status.COMPLETED,
        reason="",
        note="",
        milestones=[],
        money={},
        measures={},
        loaded_version=None,
        by=None,
    )
    after = _country()
    assert after.completed == before.completed + 1
    assert _as_numbers(after) == _own(filled)


def _xlsx(rows):
    return xlsx_file(rows)


def test_a_confirmed_spreadsheet_import_shows_at_once(filled, editor):
    cycle, _other = filled
    before = _country()
    resource = ActionResource(cycle=cycle, user=editor)
    rows = [list(sheets.labels_in(resource).values()), *map(list, sheets.rows_for(resource))]
    third = ProjectIdea.objects.filter(cycle=cycle).order_by("number")[2]
    new = list(rows[2])  # A-02's row, for the third idea
    new[0], new[4] = None, third.code
    out = sheets.confirm(_xlsx([*rows, new]), kind="actions", cycle=cycle, user=editor)
    assert out.errors == [] and out.new == 1
    after = _country()
    assert after.actions == before.actions + 1
    assert _as_numbers(after) == _own(filled)


def test_a_reference_list_rename_shows_at_once(filled):
    before = _country()
    assert str(before.groups["mre"].group.fr) != "MRE renommés"
    mre = TargetGroup.objects.get(code="mre")
    mre.name_fr = "MRE renommés"
    mre.save()
    assert not current().exists()  # every cycle's figures print the group's name
    after = _country()
    assert after.groups["mre"].group.fr == "MRE renommés"
    assert _as_numbers(after) == _as_numbers(before)


def test_figures_a_report_stored_during_a_write_are_dropped_after_its_commit(
    filled, editor, django_capture_on_commit_callbacks
):
    cycle, _other = filled
    _country()
    session = cycle.awareness_sessions.get()
    with django_capture_on_commit_callbacks(execute=True):
        awareness_session_save(
            session=session,
            attendance={"elected": (1, 1)},
            by=editor,
            loaded_version=session.version,
        )
        assert not current().filter(cycle=cycle).exists()
        _country()  # a report between the write and its commit stores the cycle again
        assert current().filter(cycle=cycle).exists()
    assert not current().filter(cycle=cycle).exists()


def test_a_report_that_read_the_records_before_a_write_does_not_store_them_as_current(
    filled, monkeypatch
):
    """The race of two requests: a report reads the epochs, a write commits a change of the
    cycle (its epoch moves), then the report stores what it computed from the old records."""
    from prim import figures, reports

    cycle, other = filled
    _country()
    figures.forget(cycle_ids={cycle.pk})  # both rows stale: the next report computes them
    figures.forget(cycle_ids={other.pk})
    real = reports.step_totals

    def totals_then_a_write(cycles):
        totals = real(cycles)  # the report has read the records...
        figures.forget(cycle_ids={cycle.pk})  # ...and a write moves the cycle's epoch
        return totals

    monkeypatch.setattr(reports, "step_totals", totals_then_a_write)
    _country()
    monkeypatch.setattr(reports, "step_totals", real)
    assert not current().filter(cycle=cycle).exists()  # not stored as current
    assert current().filter(cycle=other).exists()  # the other cycle's figures were kept
    _country()
    assert current().filter(cycle=cycle).exists()  # the next report computes it again


def test_a_write_on_a_cycle_without_a_row_makes_the_row_first(filled):
    """So that a report computing the cycle at the same time cannot insert its old figures."""
    from prim import figures

    cycle, _other = filled
    CycleFigures.objects.all().delete()
    figures.forget(cycle_ids={cycle.pk})
    row = CycleFigures.objects.get(cycle=cycle)
    assert row.epoch == 1 and row.data_epoch is None
