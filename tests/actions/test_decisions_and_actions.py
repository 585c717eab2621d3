"""Adoption, merging, financing and progress rules, through the services."""

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from actions import services
from actions.models import ActionCost, ActionIdea, Financing, IdeaDecision, PacAction
from actions.selectors import action_thread
from communes import numbers

from .conftest import build_ideas, decide, make_action, score_all


def test_rejecting_or_postponing_needs_a_reason(cycle, ideas):
    with pytest.raises(ValidationError, match="motif"):
        decide(ideas[:1], IdeaDecision.Outcome.REJECTED)
    assert not IdeaDecision.objects.exists()
    decide(ideas[:1], IdeaDecision.Outcome.POSTPONED, "Budget 2025")
    with pytest.raises(IntegrityError), transaction.atomic():
        IdeaDecision.objects.create(idea=ideas[1], outcome="rejected", reason="")


def test_only_adopted_ideas_become_actions(cycle, ideas):
    decide(ideas[:1], IdeaDecision.Outcome.POSTPONED, "Later")
    with pytest.raises(ValidationError, match="pas été adoptée"):
        make_action(cycle, ideas[:1])
    assert not PacAction.objects.exists()


def test_merging_two_ideas_keeps_the_thread_of_both(cycle, ideas):
    decide(ideas[:2])
    action = make_action(cycle, ideas[:2])
    assert action.code == "A-01"
    assert set(action.ideas.all()) == set(ideas[:2])
    action = PacAction.objects.prefetch_related(
        "idea_links__idea__finding_links__finding__sessions"
    ).get(pk=action.pk)
    thread = action_thread(action)
    assert [i.code for i in thread["ideas"]] == ["I-01", "I-02"]
    assert [f.code for f in thread["findings"]] == ["F-01", "F-02"]
    assert [s.title for s in thread["sessions"]] == ["Workshop 1", "Workshop 2"]
    # An idea already in an action cannot go into another one...
    with pytest.raises(ValidationError, match="figure déjà dans l'action A-01"):
        make_action(cycle, ideas[1:2])
    # ...nor be rejected while it is planned.
    with pytest.raises(ValidationError, match="A-01"):
        services.decisions_save(
            cycle=cycle,
            rows=[
                {
                    "idea": ideas[0],
                    "outcome": "rejected",
                    "reason": "No",
                    "loaded_version": ideas[0].decision.version,
                }
            ],
            by=None,
        )


def test_an_idea_of_another_cycle_cannot_be_linked(cycle, other_cycle, ideas):
    (foreign,) = build_ideas(other_cycle, 1, prefix="SB ")
    decide([foreign])
    with pytest.raises(ValidationError, match="un autre PAC"):
        make_action(cycle, [foreign])


def test_financing_above_the_cost_is_refused_and_nothing_is_written(cycle, ideas):
    decide(ideas[:1])
    with pytest.raises(ValidationError) as error:
        make_action(cycle, ideas[:1], cost=Decimal("100000"), financing=Decimal("100000.01"))
    assert "dépasse le coût" in str(error.value.message_dict["financing"])
    assert not PacAction.objects.exists() and not ActionIdea.objects.exists()
    assert not Financing.objects.exists()


def test_a_gap_is_allowed_and_totals_come_from_the_database(cycle, ideas):
    decide(ideas[:1])
    action = make_action(
        cycle,
        ideas[:1],
        costs={2023: Decimal("100000.50"), 2024: Decimal("50000")},
        financing=[
            {"source": "commune", "amount": Decimal("40000"), "status": "committed"},
            {"source": "prim", "amount": Decimal("60000.25"), "status": "received"},
        ],
    )
    action = PacAction.objects.with_totals().get(pk=action.pk)
    assert action.cost_total == Decimal("150000.50")
    assert action.financing_total == Decimal("100000.25")
    assert services.financing_totals(action) == (Decimal("150000.50"), Decimal("100000.25"))


def test_costs_outside_the_pac_years_are_refused(cycle, ideas):
    decide(ideas[:1])
    with pytest.raises(ValidationError, match="en dehors du PAC 2022-2027"):
        make_action(cycle, ideas[:1], costs={2028: Decimal(10)}, financing=[])
    import datetime

    with pytest.raises(ValidationError, match="en dehors du PAC"):
        make_action(cycle, ideas[:1], start_date=datetime.date(2021, 1, 1))


def test_money_constraints(cycle, ideas):
    decide(ideas[:1])
    action = make_action(cycle, ideas[:1])
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionCost.objects.create(action=action, year=2023, amount=Decimal(5))  # same year
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionCost.objects.create(action=action, year=2024, amount=Decimal(-5))
    with pytest.raises(IntegrityError), transaction.atomic():
        Financing.objects.create(action=action, source="commune", amount=Decimal(-1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PacAction.objects.filter(pk=action.pk).update(competence="shared", partner_convention="")


def test_progress_rule(cycle, ideas):
    decide(ideas[:1])
    action = make_action(cycle, ideas[:1])
    assert services.action_progress(action) == 50  # one of two milestones done
    action.status = PacAction.Status.COMPLETED
    assert services.action_progress(action) == 100
    action.status = PacAction.Status.PLANNED
    assert services.action_progress(action, []) is None


def test_export_dossier_includes_steps_4_and_5(cycle, ideas):
    score_all(ideas, [3, 2, 2, 1])
    decide(ideas[:2])
    decide(ideas[2:], IdeaDecision.Outcome.POSTPONED, "Next year")
    make_action(cycle, ideas[:2])
    out = io.StringIO()
    call_command("export_dossier", "oujda", stdout=out)
    steps = json.loads(out.getvalue())["cycles"][0]["steps"]
    four, five = steps[3]["records"], steps[4]["records"]
    assert [r["rank"] for r in four["ranking"]] == [1, 2, 2, 4]
    assert {d["outcome"] for d in four["decisions"]} == {"adopted", "postponed"}
    assert len(four["scores"]) == 4 * 7
    assert five[0]["code"] == "A-01" and five[0]["ideas"] == ["I-01", "I-02"]
    assert five[0]["costs"] == [{"year": 2023, "amount": "100000.00"}]
    assert five[0]["cost_total"] == "100000.00"


@pytest.mark.parametrize(
    "language,value,text",
    [
        ("fr", Decimal("1250000"), "1\xa0250\xa0000 MAD"),
        ("fr", Decimal("1250000.5"), "1\xa0250\xa0000,50 MAD"),
        ("ar", Decimal("64000"), "64\u202f000 درهم"),
        ("fr", None, "0 MAD"),
    ],
)
def test_amounts_read_the_same_on_every_page(language, value, text):
    """Cents only when there are some (as on the PAC page and in the annex)."""
    with translation.override(language):
        assert numbers.money(value) == text
