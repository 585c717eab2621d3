"""Ideas to score, decide and plan, in Oujda's cycle (and a builder for query counts).

The reference lists (sectors, groups, SNIA, SNMRE) come from the data migrations.
"""

import datetime
from decimal import Decimal

import pytest

from actions import services
from actions.models import CriterionKind, IdeaDecision
from diagnostics.models import ProjectIdea, TargetGroup
from tests.factories import (
    ConsultationSessionFactory,
    FindingFactory,
    PacActionFactory,
    ProjectIdeaFactory,
)

PLAN = "/communes/{code}/pac/2022/plan/"


def build_ideas(cycle, size, *, prefix=""):
    """``size`` ideas, each answering its own finding raised at its own session."""
    mre = TargetGroup.objects.get(code="mre")
    start = ProjectIdea.objects.filter(cycle=cycle).count()
    ideas = []
    for i in range(size):
        n = start + i + 1
        session = ConsultationSessionFactory(
            cycle=cycle, date=datetime.date(2022, 10, 1 + i % 28), title=f"{prefix}Workshop {n}"
        )
        finding = FindingFactory(
            cycle=cycle, number=n, title=f"{prefix}Need {n}", sessions=[session]
        )
        idea = ProjectIdeaFactory(
            cycle=cycle,
            number=n,
            title=f"{prefix}Idea {n}",
            target_groups=[mre],
            findings=[finding],
        )
        ideas.append(idea)
    return ideas


def score_all(ideas, values, by=None):
    """Give each idea the same score on every criterion: ``values[i]`` for idea i."""
    cycle = ideas[0].cycle
    criteria = services.criteria_ensure(cycle=cycle)
    for idea, value in zip(ideas, values, strict=True):
        for criterion in criteria:
            services.score_set(
                idea=idea, criterion=criterion, value=value, check_version=False, by=by
            )
    return criteria


def decide(ideas, outcome=IdeaDecision.Outcome.ADOPTED, reason=""):
    services.decisions_save(
        cycle=ideas[0].cycle,
        rows=[
            {"idea": i, "outcome": outcome, "reason": reason, "loaded_version": None} for i in ideas
        ],
        by=None,
    )


def make_action(cycle, ideas, *, cost=Decimal("100000"), financing=Decimal("60000"), **extra):
    if not isinstance(financing, list):
        financing = [{"source": "prim", "amount": financing, "status": "committed"}]
    data = {"costs": {2023: cost}, "financing": financing, **extra}
    return PacActionFactory(cycle=cycle, ideas=ideas, **data)


@pytest.fixture
def ideas(cycle):
    return build_ideas(cycle, 4)


@pytest.fixture
def annex_media(settings, media):
    """The built PDFs live in the file store: each test gets an empty one. Builds run inside
    the request (the immediate task backend), as if a worker were instantly done."""
    from .annex_support import IMMEDIATE

    settings.TASKS = {"default": {**settings.TASKS["default"], "BACKEND": IMMEDIATE}}
    return media


@pytest.fixture
def annex_cycle(cycle):
    """Oujda's cycle 2022-2027 with every step filled and three PAC actions."""
    from actions.annex.sample import build_sample_cycle

    from .annex_support import load_cycle

    build_sample_cycle(cycle, n_actions=3)
    return load_cycle(cycle)


@pytest.fixture
def plan_url():
    return lambda code="oujda": PLAN.format(code=code)


__all__ = ["CriterionKind"]
