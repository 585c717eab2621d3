"""Steps 4 and 5 read model: each figure computed once, the same on the tracker, the PAC page and
the annex."""

from decimal import Decimal

import pytest
from django.urls import reverse

from actions.annex.data import gather_annex
from actions.models import IdeaDecision
from communes.models import PlanningCycle
from communes.steps import get_step
from communes.tracker import build_trackers

from .conftest import build_ideas, decide, make_action, score_all

pytestmark = pytest.mark.django_db


def _score_some(idea, criteria, how_many):
    from actions import services

    for criterion in criteria[:how_many]:
        services.score_set(idea=idea, criterion=criterion, value=2, check_version=False, by=None)


def test_prioritisation_counts_ideas_scored_on_every_criterion(cycle, other_cycle):
    ideas = build_ideas(cycle, 4)
    criteria = score_all(ideas[:2], [3, 1])
    _score_some(ideas[2], criteria, 1)  # scored on one criterion only; ideas[3] not at all
    decide(ideas[:2])
    decide(ideas[2:3], IdeaDecision.Outcome.POSTPONED, "Later")
    theirs = build_ideas(other_cycle, 2, prefix="Other ")
    score_all(theirs, [2, 2])

    summaries = get_step(4).summary([cycle, other_cycle])

    mine = summaries[cycle.pk]
    assert (mine.totals.ideas, mine.totals.scored, mine.totals.fully_scored) == (4, 3, 2)
    assert (mine.totals.adopted, mine.totals.postponed, mine.totals.rejected) == (2, 1, 0)
    assert [item.done for item in mine.checklist] == [False, False, False, True]
    assert [f.text for f in mine.figures] == ["2 / 4", 2, 1, 0]
    other = summaries[other_cycle.pk]
    assert (other.totals.ideas, other.totals.fully_scored) == (2, 2)
    assert other.checklist[0].done and not other.checklist[3].done


def test_pac_budget_is_the_same_on_the_tracker_the_page_and_the_annex(client_for, viewer, cycle):
    ideas = build_ideas(cycle, 3)
    decide(ideas)
    make_action(cycle, [ideas[0]], cost=Decimal(100000), financing=Decimal(60000))
    make_action(
        cycle,
        [ideas[1]],
        gender_marker=0,
        migration_marker=1,
        costs={2023: Decimal(200000), 2026: Decimal(100000)},
        financing=Decimal(100000),
    )

    totals = get_step(5).summary([cycle])[cycle.pk].totals
    # 400 000 in all, 300 000 in the firm years 2022-2024; 100 000 with a gender marker (25 %),
    # 300 000 with the migration marker (75 %); 160 000 financed (40 %).
    assert (totals.cost, totals.first_three_cost) == (Decimal(400000), Decimal(300000))
    assert (totals.budget.gender_share, totals.budget.migration_share) == (25, 75)
    assert (totals.financing, totals.financing_share, totals.financing_gap) == (
        Decimal(160000),
        40,
        Decimal(240000),
    )
    # One idea adopted without an action yet.
    assert (totals.adopted, totals.adopted_in_action) == (3, 2)

    cycle = PlanningCycle.objects.select_related("commune__province__region").get(pk=cycle.pk)
    step5 = build_trackers(
        [PlanningCycle.objects.prefetch_related("steps").select_related("commune").get(pk=cycle.pk)]
    )[cycle.pk][4]
    assert [f.value for f in step5.summary.figures] == [2, Decimal(400000), 40, 25]
    assert not step5.checklist[0].done  # the third adopted idea has no action

    page = client_for(viewer).get(reverse("actions:pac", args=["oujda", 2022]))
    assert (page.context["total_cost"], page.context["financing_total"]) == (
        Decimal(400000),
        Decimal(160000),
    )
    assert (page.context["gender_share"], page.context["migration_share"]) == (25, 75)
    assert page.context["gap"] == Decimal(240000)

    budget = gather_annex(cycle).budget
    assert (budget["total"], budget["first_three"], budget["financing_total"]) == (
        Decimal(400000),
        Decimal(300000),
        Decimal(160000),
    )
    assert (budget["gender_share"], budget["migration_share"]) == (25, 75)
    assert budget["financing_gap"] == Decimal(240000)
