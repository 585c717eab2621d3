"""The arithmetic of step 4: weighted scores and ranks (reads only; writes live in services).

The weighted score of an idea is ``sum(weight x score) / 3``: weights are percentages
adding up to 100 and scores go from 0 to 3, so an idea scored 3 everywhere gets 100.
The database sums the integer ``weight x score`` (0 to 300) so ties are exact; the
division is for display only.

Ranks are "competition" ranks: equal scores share a rank and the next rank skips
(1, 2, 2, 4). Ideas with no score yet have no rank.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Sum

from .models import DEFAULT_WEIGHTS, MAX_SCORE, Criterion, Score


def competition_ranks(points: dict) -> dict:
    """``{key: points}`` -> ``{key: rank}``, highest first, ties sharing a rank (1, 2, 2, 4)."""
    ordered = sorted(points.values(), reverse=True)
    first_place = {}
    for position, value in enumerate(ordered, start=1):
        first_place.setdefault(value, position)
    return {key: first_place[value] for key, value in points.items()}


def weighted_score(points: int) -> Decimal:
    """The 0-100 score shown to users, from the integer sum of weight x score."""
    return (Decimal(points) / MAX_SCORE).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class IdeaRanking:
    points: int = 0  # sum of weight x score
    scored: int = 0  # criteria scored
    rank: int | None = None
    criteria: int = 0

    @property
    def weighted(self) -> Decimal:
        return weighted_score(self.points)

    @property
    def complete(self) -> bool:
        return self.criteria > 0 and self.scored >= self.criteria


@dataclass
class CycleRanking:
    criteria: list = field(default_factory=list)
    ideas: dict = field(default_factory=dict)  # idea pk -> IdeaRanking

    def get(self, idea_pk: int) -> IdeaRanking:
        return self.ideas.get(idea_pk) or IdeaRanking(criteria=len(self.criteria))


def criteria_of(cycle) -> list[Criterion]:
    """The cycle's criteria, or unsaved defaults when the editor has not set any yet (1 query)."""
    criteria = list(Criterion.objects.filter(cycle=cycle).order_by("order", "pk"))
    if criteria:
        return criteria
    return [
        Criterion(cycle=cycle, kind=kind, weight=weight, order=order)
        for order, (kind, weight) in enumerate(DEFAULT_WEIGHTS.items(), start=1)
    ]


def weights_total(criteria: Iterable[Criterion]) -> int:
    """What the weights add up to (100 when the grid is ready), as the grid and the annex say."""
    return sum(c.weight for c in criteria)


def rank_ideas(cycle, criteria: Iterable[Criterion] | None = None) -> CycleRanking:
    """Weighted points, scored criteria and rank of every scored idea of a cycle.

    Queries: 1 (the sums, grouped by idea) + 1 when ``criteria`` is not given.
    """
    criteria = list(criteria) if criteria is not None else criteria_of(cycle)
    rows = (
        Score.objects.filter(criterion__cycle=cycle)
        .values("idea_id")
        .annotate(points=Sum(F("value") * F("criterion__weight")), scored=Count("pk"))
        .order_by()
    )
    ideas = {
        row["idea_id"]: IdeaRanking(
            points=row["points"] or 0, scored=row["scored"], criteria=len(criteria)
        )
        for row in rows
    }
    for pk, rank in competition_ranks({pk: r.points for pk, r in ideas.items()}).items():
        ideas[pk].rank = rank
    return CycleRanking(criteria=criteria, ideas=ideas)
