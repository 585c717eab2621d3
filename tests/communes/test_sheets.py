"""Steps 1-2 round-trip: awareness sessions with their attendance, trainees (communes.resources)."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communes import sheets
from communes.models import AwarenessSession, Trainee
from communes.resources import AwarenessResource, TraineeResource
from tests.factories import AwarenessSessionFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def table(resource):
    return [list(sheets.labels_in(resource).values()), *map(list, sheets.rows_for(resource))]


def test_awareness_round_trip_and_attendance(cycle, editor):
    AwarenessSessionFactory(cycle=cycle, place="@Mairie")
    rows = table(AwarenessResource(cycle=cycle, user=editor))
    assert rows[1][3] == "'@Mairie"
    out = sheets.run(AwarenessResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert out.errors == [] and out.skip == 1
    keys = [c.column_name for c in AwarenessResource(cycle=cycle).columns()]
    women = keys.index("women_elected")
    rows[1][women] = "12"
    new = [None, None, "45735", "Douar", "atelier", "ONG", "genre; SNIA", None, None]
    rows.append(new + [None] * (len(rows[0]) - len(new)))
    out = sheets.run(AwarenessResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert out.errors == [], out.errors
    assert (out.new, out.update) == (1, 1)
    session = AwarenessSession.objects.get(place="Douar")
    assert session.date == date(2025, 3, 19) and session.topics == ["gender", "snia"]
    first = AwarenessSession.objects.get(place="@Mairie")
    assert first.attendance.get(category="elected").women == 12


def test_awareness_date_outside_the_pac(cycle, editor):
    rows = table(AwarenessResource(cycle=cycle, user=editor))
    rows.append([None, None, "03/03/2031", "Douar", "atelier", "ONG"] + [None] * 19)
    out = sheets.run(AwarenessResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert [(e.row, e.column) for e in out.errors] == [(2, "Date")]
    assert AwarenessSession.objects.count() == 0


@pytest.fixture
def training(cycle):
    training = TrainingFactory(cycle=cycle, title="Genre et migration")
    Trainee.objects.filter(training=training).delete()
    Trainee.objects.create(training=training, name="Amina", sex="f", days_attended=2, pre_score=40)
    return training


def test_trainees_round_trip_by_training_and_name(cycle, editor, training):
    rows = table(TraineeResource(cycle=cycle, user=editor))
    assert rows[0][:3] == ["Commune", "Formation", "Nom"]
    assert rows[1][1:3] == ["Genre et migration", "Amina"]
    assert sheets.run(TraineeResource(cycle=cycle, user=editor), rows, dry_run=False).skip == 1
    rows[1][7] = 70  # post-test
    rows.append([None, "genre et migration", "Karim", "homme", None, 2, None, None])
    rows.append([None, "Genre et migration", "karim ", "m", None, 1, None, None])
    out = sheets.run(TraineeResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert [(e.row, e.column) for e in out.errors] == [(4, "Nom")]
    rows.pop()
    out = sheets.run(TraineeResource(cycle=cycle, user=editor), rows, dry_run=False)
    assert (out.new, out.update, out.errors) == (1, 1, [])
    assert Trainee.objects.get(name="Amina").post_score == 70
    assert Trainee.objects.get(name="Karim").history.first().history_user == editor


def test_viewer_gets_no_names_nor_scores(client_for, viewer, editor, training):
    url = reverse("communes:sheet_export_csv", args=["oujda", 2022, "trainees"])
    text = client_for(viewer).get(url).content.decode("utf-8-sig")
    assert "Amina" not in text and "40" not in text.splitlines()[1]
    assert text.splitlines()[0].split(",")[:3] == ["Commune", "Formation", "Sexe"]
    book = client_for(editor).get(url.replace(".csv", ".xlsx")).content
    assert list(load_workbook(io.BytesIO(book)).worksheets[0].values)[1][2] == "Amina"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_awareness_download_reads_back_unchanged(client_for, cycle, editor, fmt):
    """The file the list page offers (its codes are UUIDs: text in a spreadsheet) opens, and
    importing it back as it is changes nothing."""
    session = AwarenessSessionFactory(cycle=cycle, place="Maison de la culture")
    response = client_for(editor).get(
        reverse(f"communes:sheet_export_{fmt}", args=["oujda", 2022, "awareness"])
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
        assert str(session.uuid) in cells and "Maison de la culture" in cells
    else:
        assert str(session.uuid) in body.decode("utf-8-sig")
    out = sheets.dry_run(
        io.BytesIO(body), kind="awareness", cycle=cycle, user=editor, name=f"export.{fmt}"
    )
    assert out.errors == [] and (out.new, out.update, out.skip) == (0, 0, 1)
