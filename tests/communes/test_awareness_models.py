"""Steps 1-2 records: database constraints and derived figures."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from communes import services
from communes.records import (
    AudienceCategory,
    SessionAttendance,
    Sex,
    Trainee,
    Training,
)
from tests.factories import AwarenessSessionFactory, TrainingFactory


def make_session(cycle, attendance=None, by=None, **fields):
    """A session saved through the service, like the views do (elected: 2 women, 5 men)."""
    if attendance is not None:
        fields["attendance"] = attendance
    return AwarenessSessionFactory(cycle=cycle, by=by, **fields)


def make_training(cycle, trainees=(("f", 2), ("m", 2)), by=None, **fields):
    """A two-day training with trainees given as (sex, days attended)."""
    return TrainingFactory(cycle=cycle, trainees=trainees, by=by, **fields)


@pytest.mark.django_db
def test_attendance_counts_cannot_be_negative(cycle):
    session = make_session(cycle, attendance={})
    for field in ("women", "men"):
        with pytest.raises(IntegrityError), transaction.atomic():
            SessionAttendance.objects.create(
                session=session, category=AudienceCategory.STAFF, **{field: -1}
            )


@pytest.mark.django_db
def test_attendance_has_one_row_per_category(cycle):
    session = make_session(cycle, attendance={"staff": (1, 1)})
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionAttendance.objects.create(session=session, category="staff", women=3, men=0)


@pytest.mark.django_db
def test_training_end_cannot_precede_start(cycle):
    with pytest.raises(IntegrityError), transaction.atomic():
        Training.objects.create(
            cycle=cycle,
            title="x",
            start_date=datetime.date(2022, 10, 2),
            end_date=datetime.date(2022, 10, 1),
            days=1,
            trainer="x",
            place="x",
        )


@pytest.mark.django_db
def test_trainee_post_test_needs_pre_test_and_scores_stay_0_100(cycle):
    training = make_training(cycle, trainees=())
    with pytest.raises(IntegrityError), transaction.atomic():
        Trainee.objects.create(
            training=training, name="A", sex=Sex.WOMAN, days_attended=2, post_score=70
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Trainee.objects.create(
            training=training, name="B", sex=Sex.MAN, days_attended=2, pre_score=120
        )
    trainee = Trainee.objects.create(
        training=training, name="C", sex=Sex.MAN, days_attended=2, pre_score=40, post_score=65
    )
    assert trainee.progression == 25


@pytest.mark.django_db
def test_session_save_stores_only_categories_with_people(cycle, editor):
    session = make_session(cycle, attendance={"elected": (2, 5), "staff": (0, 0)}, by=editor)
    assert list(session.attendance.values_list("category", "women", "men")) == [("elected", 2, 5)]
    services.awareness_session_save(
        session=session,
        loaded_version=session.version,
        attendance={"elected": (0, 0), "staff": (3, 1)},
        by=editor,
    )
    assert list(session.attendance.values_list("category", "women", "men")) == [("staff", 3, 1)]


@pytest.mark.django_db
def test_first_record_moves_the_step_in_progress(cycle, editor):
    assert cycle.steps.get(step=1).status == "not_started"
    make_session(cycle, by=editor)
    assert cycle.steps.get(step=1).status == "in_progress"
    make_training(cycle, by=editor)
    assert cycle.steps.get(step=2).status == "in_progress"


@pytest.mark.django_db
def test_topic_labels_include_the_other_topic(cycle):
    session = make_session(cycle, topics=["gender", "other"], other_topic="Radio locale")
    assert session.topic_labels[-1] == "Radio locale"
    assert len(session.topic_labels) == 2
