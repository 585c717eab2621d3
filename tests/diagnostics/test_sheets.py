"""Spreadsheet round-trip of findings and ideas: export, template, import (communes.sheets)."""

import io

import pytest

from communes import sheets
from diagnostics.models import Finding, ProjectIdea, Sector, TargetGroup
from diagnostics.resources import FindingResource, IdeaResource
from tests.factories import FindingFactory, ProjectIdeaFactory
from tests.files import xlsx_file

pytestmark = pytest.mark.django_db


def xlsx_bytes(rows) -> io.BytesIO:
    return xlsx_file(rows)


def export_table(resource):
    headers = list(sheets.labels_in(resource).values())
    return [headers, *[list(r) for r in sheets.rows_for(resource)]]


@pytest.fixture
def findings(cycle):
    groups = list(TargetGroup.objects.all()[:2])
    first = FindingFactory(cycle=cycle, title="=cmd|' /C calc'!A0", groups=groups)
    second = FindingFactory(cycle=cycle, title="Eau potable", title_ar="الماء الصالح للشرب")
    return [first, second]


def test_finding_round_trip_changes_nothing(cycle, editor, findings, settings):
    resource = FindingResource(cycle=cycle, user=editor)
    table = export_table(resource)
    assert table[1][0] == "F-01"
    assert table[1][2].startswith("'=")  # neutralised formula
    out = sheets.run(FindingResource(cycle=cycle, user=editor), table, dry_run=False)
    assert out.errors == []
    assert (out.new, out.update, out.skip) == (0, 0, 2)


def test_finding_import_creates_and_updates(cycle, editor, findings):
    sector = Sector.objects.first()
    table = [
        ["Code", "Commune", "Title", "Sector", "Severity", "Groups concerned"],
        ["F-01", "oujda", "Changed title", sector.name_ar, "3", ""],
        [None, "oujda", "New need", sector.code, 1, ""],
    ]
    out = sheets.run(FindingResource(cycle=cycle, user=editor), table, dry_run=True)
    assert out.errors == []
    assert (out.new, out.update) == (1, 1)
    assert Finding.objects.filter(cycle=cycle).count() == 2  # dry run wrote nothing
    out = sheets.run(FindingResource(cycle=cycle, user=editor), table, dry_run=False)
    assert out.ok
    first = Finding.objects.get(cycle=cycle, number=1)
    assert first.title == "Changed title" and first.severity == 3
    assert first.groups.count() == 0
    new = Finding.objects.get(cycle=cycle, number=3)
    assert new.title == "New need"
    assert new.history.first().history_user == editor
    assert first.history.first().history_user == editor


def test_idea_round_trip_and_unknown_finding(cycle, editor, findings):
    ProjectIdeaFactory(cycle=cycle, findings=findings, target_groups=TargetGroup.objects.all()[:1])
    resource = IdeaResource(cycle=cycle, user=editor)
    table = export_table(resource)
    assert table[1][6] == "F-01; F-02"
    out = sheets.run(IdeaResource(cycle=cycle, user=editor), table, dry_run=False)
    assert out.errors == [] and out.skip == 1
    table[1][6] = "F-01; F-09"
    out = sheets.run(IdeaResource(cycle=cycle, user=editor), table, dry_run=False)
    assert [(e.row, e.column) for e in out.errors] == [(2, "Constats auxquels elle répond")]
    assert "F-09" in out.errors[0].message
    assert ProjectIdea.objects.get().findings.count() == 2


def test_consultations_round_trip_and_participants(cycle, editor):
    from diagnostics.models import ConsultationSession, Participation
    from diagnostics.resources import ConsultationResource
    from tests.factories import ConsultationSessionFactory, ParticipationFactory

    session = ConsultationSessionFactory(cycle=cycle, title="Atelier")
    ParticipationFactory(session=session, women=4, men=3)  # the MRE group
    counted = ConsultationSessionFactory(cycle=cycle, title="Par âge", by_age_band=True)
    ParticipationFactory(session=counted, age_band="u18", women=2, men=2)
    resource = ConsultationResource(cycle=cycle, user=editor)
    rows = table = export_table(resource)
    keys = [c.column_name for c in resource.columns()]
    assert rows[1][keys.index("women_mre")] == 4
    out = sheets.run(ConsultationResource(cycle=cycle, user=editor), table, dry_run=False)
    assert out.errors == [] and out.skip == 2
    first = next(r for r in rows[1:] if r[keys.index("title")] == "Atelier")
    first[keys.index("men_mre")] = 5
    second = next(r for r in rows[1:] if r[keys.index("title")] == "Par âge")
    second[keys.index("women_mre")] = 9
    out = sheets.run(ConsultationResource(cycle=cycle, user=editor), table, dry_run=False)
    assert [e.row for e in out.errors] == [rows.index(second) + 1]
    second[keys.index("women_mre")] = 2
    out = sheets.run(ConsultationResource(cycle=cycle, user=editor), table, dry_run=False)
    assert out.errors == [] and out.update == 1
    assert Participation.objects.get(session=session).men == 5
    assert ConsultationSession.objects.count() == 2
