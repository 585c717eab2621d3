"""Weighted scores and ranks: the arithmetic the council relies on."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actions import services
from actions.models import DEFAULT_WEIGHTS, Criterion, CriterionKind, Score
from actions.scoring import competition_ranks, rank_ideas, weighted_score
from communes.concurrency import StaleRecord
from communes.models import StepStatus

from .conftest import build_ideas, score_all


def test_ties_share_a_rank_and_the_next_rank_skips():
    assert competition_ranks({"a": 90, "b": 80, "c": 80, "d": 70}) == {
        "a": 1,
        "b": 2,
        "c": 2,
        "d": 4,
    }
    assert competition_ranks({"a": 5, "b": 5, "c": 5}) == {"a": 1, "b": 1, "c": 1}
    assert competition_ranks({}) == {}


def test_weighted_score_is_out_of_100():
    assert weighted_score(300) == Decimal("100.0")
    assert weighted_score(250) == Decimal("83.3")
    assert weighted_score(0) == Decimal("0.0")


def test_default_weights_add_up_to_100():
    assert sum(DEFAULT_WEIGHTS.values()) == 100
    assert set(DEFAULT_WEIGHTS) == set(CriterionKind.values)


def test_rank_of_ideas_with_ties(cycle):
    ideas = build_ideas(cycle, 4)
    score_all(ideas, [3, 2, 2, 1])
    ranking = rank_ideas(cycle)
    assert [ranking.get(i.pk).rank for i in ideas] == [1, 2, 2, 4]
    assert [ranking.get(i.pk).weighted for i in ideas] == [
        Decimal("100.0"),
        Decimal("66.7"),
        Decimal("66.7"),
        Decimal("33.3"),
    ]
    assert all(ranking.get(i.pk).complete for i in ideas)


def test_a_weight_change_reorders_the_ranking(cycle):
    a, b = build_ideas(cycle, 2)
    criteria = {c.kind: c for c in services.criteria_ensure(cycle=cycle)}
    # a is strong on need, b on the benefit for women.
    for kind in CriterionKind.values:
        services.score_set(
            idea=a,
            criterion=criteria[kind],
            value=3 if kind == "need" else 1,
            check_version=False,
            by=None,
        )
        services.score_set(
            idea=b,
            criterion=criteria[kind],
            value=3 if kind == "women" else 1,
            check_version=False,
            by=None,
        )
    ranking = rank_ideas(cycle)
    assert (ranking.get(a.pk).rank, ranking.get(b.pk).rank) == (1, 2)  # need weighs 20, women 15
    weights = dict(DEFAULT_WEIGHTS) | {"need": 10, "women": 25}
    versions = {c.kind: c.version for c in criteria.values()}
    services.criteria_save(cycle=cycle, weights=weights, versions=versions, by=None)
    ranking = rank_ideas(cycle)
    assert (ranking.get(a.pk).rank, ranking.get(b.pk).rank) == (2, 1)
    # Equal weights on the two criteria: a tie.
    versions = {c.kind: c.version for c in Criterion.objects.filter(cycle=cycle)}
    weights = dict(DEFAULT_WEIGHTS) | {"need": 15, "women": 15, "migrants": 20}
    services.criteria_save(cycle=cycle, weights=weights, versions=versions, by=None)
    ranking = rank_ideas(cycle)
    assert ranking.get(a.pk).rank == ranking.get(b.pk).rank == 1


def test_weights_must_add_up_to_100(cycle):
    criteria = services.criteria_ensure(cycle=cycle)
    versions = {c.kind: c.version for c in criteria}
    weights = dict(DEFAULT_WEIGHTS) | {"need": 25}
    with pytest.raises(ValidationError, match="105"):
        services.criteria_save(cycle=cycle, weights=weights, versions=versions, by=None)
    assert Criterion.objects.get(cycle=cycle, kind="need").weight == 20


def test_weights_saved_from_a_stale_form_are_refused(cycle):
    criteria = services.criteria_ensure(cycle=cycle)
    old = {c.kind: c.version for c in criteria}
    weights = dict(DEFAULT_WEIGHTS) | {"need": 10, "sustainability": 20}
    services.criteria_save(cycle=cycle, weights=weights, versions=old, by=None)
    with pytest.raises(StaleRecord):
        services.criteria_save(cycle=cycle, weights=dict(DEFAULT_WEIGHTS), versions=old, by=None)


def test_scores_outside_0_to_3_are_refused(cycle):
    (idea,) = build_ideas(cycle, 1)
    criterion = services.criteria_ensure(cycle=cycle)[0]
    with pytest.raises(ValidationError):
        services.score_set(idea=idea, criterion=criterion, value=4, by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(idea=idea, criterion=criterion, value=7)


def test_a_score_edited_meanwhile_is_refused_and_the_step_starts(cycle):
    (idea,) = build_ideas(cycle, 1)
    criterion = services.criteria_ensure(cycle=cycle)[0]
    score = services.score_set(idea=idea, criterion=criterion, value=2, by=None)
    assert StepStatus.objects.get(cycle=cycle, step=4).status == "in_progress"
    services.score_set(idea=idea, criterion=criterion, value=3, loaded_version=1, by=None)
    with pytest.raises(StaleRecord):
        services.score_set(idea=idea, criterion=criterion, value=1, loaded_version=1, by=None)
    score.refresh_from_db()
    assert (score.value, score.version) == (3, 2)
    assert score.history.count() == 2


def test_criterion_weight_constraint(cycle):
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(cycle=cycle, kind="need", weight=120)


def test_an_idea_with_no_score_has_no_rank(cycle):
    a, b = build_ideas(cycle, 2)
    criterion = services.criteria_ensure(cycle=cycle)[0]
    services.score_set(idea=a, criterion=criterion, value=1, by=None)
    ranking = rank_ideas(cycle)
    assert ranking.get(a.pk).rank == 1 and not ranking.get(a.pk).complete
    assert ranking.get(b.pk).rank is None
