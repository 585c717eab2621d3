"""Pages of steps 4-5 run a fixed number of queries whatever the data size (two sizes pinned).

Base of every page: session + user + memberships + cycle + step status = 5 (see actions/views.py).
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from actions.models import IdeaDecision
from communes.steps import get_step

from .conftest import build_ideas, decide, make_action, score_all

# grid: 5 base + step 4 summary (2: the cycles, the ideas grouped) + criteria (1) + ranking (1)
# + count (1) + page of ideas (1) + their scores (1) = 12 (11 with the summary as one query of
# correlated subqueries; 16 with separate checklist/figures).
GRID_QUERIES = 12
# pac: 5 base + step 5 summary (4, grouped by cycle: decisions, actions, costs, financing; with
# the budget totals and marker shares) + cost by year (1)
# + financing by source (1) + count (1) + page of actions with totals (1) + costs (1)
# + milestones (1) + thread: ideas (1), findings (1), sessions (1)
# + adopted ideas without an action (1)
# + the navigation's count of steps waiting for review (1: a coordinator reads the page)
# = 20 (17 with the summary as one query of correlated subqueries; 23 before the summary
# selector).
PAC_QUERIES = 20


def _build(cycle, size):
    ideas = build_ideas(cycle, 2 * size)
    score_all(ideas, [n % 4 for n in range(len(ideas))])
    decide(ideas[: size + 1])
    if ideas[size + 1 :]:
        decide(ideas[size + 1 :], IdeaDecision.Outcome.POSTPONED, "Later")
    make_action(cycle, ideas[:2])  # one merged action
    for idea in ideas[2 : size + 1]:
        make_action(
            cycle,
            [idea],
            cost=Decimal(5000),
            financing=Decimal(1000),
            axis=f"Axe {idea.number % 3}",
        )


@pytest.mark.parametrize("size", [1, 6])
def test_grid_queries_do_not_grow(client_for, editor, cycle, size, django_assert_num_queries):
    _build(cycle, size)
    client = client_for(editor)
    url = reverse("actions:grid", args=["oujda", 2022])
    with django_assert_num_queries(GRID_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == 2 * size


@pytest.mark.parametrize("size", [1, 6])
def test_pac_queries_do_not_grow(client_for, coordinator, cycle, size, django_assert_num_queries):
    _build(cycle, size)
    client = client_for(coordinator)
    url = reverse("actions:pac", args=["oujda", 2022])
    with django_assert_num_queries(PAC_QUERIES):
        response = client.get(url)
    assert sum(len(group["actions"]) for group in response.context["axes"]) == size


@pytest.mark.parametrize("size", [1, 6])
def test_step_summaries_batch_queries(cycle, other_cycle, size, django_assert_num_queries):

    _build(cycle, size)
    _build(other_cycle, size)
    # Step 4: the cycles with their criteria, opinion and deliberation (1); the ideas with their
    # decision, action link and scores counted (1) - whatever the batch.
    with django_assert_num_queries(2):
        summaries = get_step(4).summary([cycle, other_cycle])
    assert all(item.done for item in summaries[cycle.pk].checklist[:1])
    # Step 5: decisions, actions, costs, financing, each grouped by cycle (4).
    with django_assert_num_queries(4):
        summaries = get_step(5).summary([cycle, other_cycle])
    assert summaries[cycle.pk].figures[0].value == size
    assert summaries[cycle.pk].figures[0].text == size


# decision (an editor): 5 base + step 4 summary (2) + opinion (1)
# + deliberation (1) + criteria (1) + ranking (1) + ideas with decision and action (1)
# + their target groups (1) + the step 5 status for the "new sheet" links (1) = 14 (13 with the
# summary as one query of correlated subqueries; 18 before).
DECISION_QUERIES = 14
# action sheet: 5 base + action with totals (1) + SNIA, SNMRE, groups (3) + costs, financing,
# indicators, milestones (4) + thread (3) (PacAction.objects.for_sheet()) + ranking (2)
# + opinion and deliberation (2) = 20.
ACTION_QUERIES = 20


@pytest.mark.parametrize("size", [1, 6])
def test_decision_queries_do_not_grow(client_for, editor, cycle, size, django_assert_num_queries):
    _build(cycle, size)
    client = client_for(editor)
    url = reverse("actions:decision", args=["oujda", 2022])
    with django_assert_num_queries(DECISION_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == 2 * size


@pytest.mark.parametrize("size", [1, 6])
def test_action_sheet_queries_do_not_grow(
    client_for, viewer, cycle, size, django_assert_num_queries
):
    _build(cycle, size)
    action = cycle.pac_actions.order_by("number").first()  # the merged one: two ideas
    client = client_for(viewer)
    url = reverse("actions:action", args=["oujda", 2022, action.uuid])
    with django_assert_num_queries(ACTION_QUERIES):
        response = client.get(url)
    assert response.context["action"] == action
