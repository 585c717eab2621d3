"""Steps 1-2 in the tracker: checklist, figures, submission, and the dossier export."""

import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import override

from communes import services
from communes.steps import get_step
from communes.tracker import build_trackers
from tests.communes.test_awareness_models import make_session, make_training

pytestmark = pytest.mark.django_db


def done(items):
    return [item.done for item in items]


def awareness_checklist(cycles):
    return {pk: s.checklist for pk, s in get_step(1).summary(cycles).items()}


def training_checklist(cycles):
    return {pk: s.checklist for pk, s in get_step(2).summary(cycles).items()}


def shown(summaries):
    """The figures as the tracker prints them."""
    return {pk: [f.text for f in s.figures] for pk, s in summaries.items()}


def test_step_1_checklist_needs_attendance_and_officials(cycle, editor):
    assert done(awareness_checklist([cycle])[cycle.pk]) == [False, False]
    make_session(cycle, attendance={}, by=editor)  # a session with nobody counted
    assert done(awareness_checklist([cycle])[cycle.pk]) == [False, False]
    make_session(cycle, attendance={"civil_society": (4, 2)}, by=editor)
    assert done(awareness_checklist([cycle])[cycle.pk]) == [True, False]
    make_session(cycle, attendance={"staff": (1, 0)}, by=editor)
    assert done(awareness_checklist([cycle])[cycle.pk]) == [True, True]


def test_step_2_checklist_needs_a_training_with_trainees(cycle, editor):
    assert done(training_checklist([cycle])[cycle.pk]) == [False]
    make_training(cycle, trainees=(), by=editor)
    assert done(training_checklist([cycle])[cycle.pk]) == [False]
    make_training(cycle, by=editor)
    assert done(training_checklist([cycle])[cycle.pk]) == [True]


def test_figures_count_people_and_the_share_of_women(cycle, other_cycle):
    make_session(cycle, attendance={"elected": (3, 7), "staff": (4, 6)})
    make_session(cycle, attendance={"migrants": (0, 0)})
    make_training(cycle, trainees=(("f", 2), ("m", 2), ("m", 1), ("f", 2), ("m", 2)))
    with override("en"):
        figures = shown(get_step(1).summary([cycle, other_cycle]))
        assert figures[cycle.pk] == ["2", "20", "35%"]
        assert figures[other_cycle.pk] == ["0", "0", "-"]
        assert shown(get_step(2).summary([cycle]))[cycle.pk] == ["1", "5", "40%"]
        totals = get_step(1).summary([cycle])[cycle.pk].totals
        assert (totals.women, totals.men, totals.women_share) == (7, 13, 35)


def test_hooks_run_a_fixed_number_of_queries(cycle, other_cycle, django_assert_num_queries):
    make_session(cycle)
    make_training(other_cycle)
    # One query per step summary (the tracker counts on it): two, whatever the number of cycles.
    for cycles in ([cycle], [cycle, other_cycle]):
        with django_assert_num_queries(2):
            get_step(1).summary(cycles)
            get_step(2).summary(cycles)


def test_the_commune_page_shows_steps_1_and_2(client_for, viewer, cycle):
    make_session(cycle, attendance={"elected": (1, 3)})
    make_training(cycle)
    html = client_for(viewer).get(reverse("communes:cycle", args=["oujda", 2022])).content.decode()
    assert reverse("communes:awareness_list", args=["oujda", 2022]) in html
    assert reverse("communes:training_list", args=["oujda", 2022]) in html
    rows = build_trackers([cycle])[cycle.pk]
    assert rows[0].progress == 100 and rows[1].progress == 100


def test_submit_refused_until_complete_then_read_only(client_for, editor, cycle):
    make_session(cycle, attendance={"civil_society": (2, 2)}, by=editor)
    with pytest.raises(ValidationError):
        services.step_submit(cycle=cycle, step=1, by=editor)
    make_session(cycle, attendance={"elected": (1, 1)}, by=editor)
    client = client_for(editor)
    listing = client.get(reverse("communes:awareness_list", args=["oujda", 2022])).content.decode()
    submit_url = reverse("communes:step_submit", args=["oujda", 2022, 1])
    assert submit_url in listing
    response = client.post(
        submit_url, {"next": reverse("communes:awareness_list", args=["oujda", 2022])}
    )
    assert response.status_code == 302
    assert cycle.steps.get(step=1).status == "submitted"
    listing = client.get(reverse("communes:awareness_list", args=["oujda", 2022])).content.decode()
    assert submit_url not in listing
    assert reverse("communes:awareness_create", args=["oujda", 2022]) not in listing


def test_export_dossier_includes_both_steps(cycle, editor):
    make_session(cycle, attendance={"elected": (2, 5)}, by=editor, outcome="Point focal désigné")
    make_training(cycle, by=editor)
    out = StringIO()
    call_command("export_dossier", "oujda", stdout=out)
    dossier = json.loads(out.getvalue())
    steps = {s["number"]: s for s in dossier["cycles"][0]["steps"]}
    session = steps[1]["records"][0]
    assert session["attendance"] == [{"category": "elected", "women": 2, "men": 5}]
    assert session["participants"] == {"women": 2, "men": 5}
    assert session["outcome"] == "Point focal désigné"
    assert session["date"] == "2022-09-15"
    training = steps[2]["records"][0]
    assert training["start_date"] == "2022-10-25" and training["days"] == 2
    assert len(training["trainees"]) == 2
    assert {t["sex"] for t in training["trainees"]} == {"f", "m"}
