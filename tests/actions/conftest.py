"""Ideas to score, decide and plan, in Oujda's cycle (and a builder for query counts).

The reference lists (sectors, groups, SNIA, SNMRE) come from the data migrations.
"""

import datetime
from decimal import Decimal

import pytest

from actions import services
from actions.models import CriterionKind, IdeaDecision, SniaProgramme
from diagnostics.models import (
    ConsultationSession,
    Finding,
    IdeaFinding,
    ProjectIdea,
    Sector,
    TargetGroup,
)

PLAN = "/communes/{code}/pac/2022/plan/"


def build_ideas(cycle, size, *, prefix=""):
    """``size`` ideas, each answering its own finding raised at its own session."""
    sector = Sector.objects.get(code="reception-orientation")
    mre = TargetGroup.objects.get(code="mre")
    start = ProjectIdea.objects.filter(cycle=cycle).count()
    ideas = []
    for i in range(size):
        n = start + i + 1
        session = ConsultationSession.objects.create(
            cycle=cycle,
            kind="workshop",
            date=datetime.date(2022, 10, 1 + i % 28),
            title=f"{prefix}Workshop {n}",
            place="Centre",
        )
        finding = Finding.objects.create(
            cycle=cycle, number=n, title=f"{prefix}Need {n}", sector=sector, severity=2
        )
        finding.sessions.set([session])
        idea = ProjectIdea.objects.create(
            cycle=cycle,
            number=n,
            title=f"{prefix}Idea {n}",
            sector=sector,
            beneficiaries_women=30,
            beneficiaries_men=20,
        )
        idea.target_groups.set([mre])
        IdeaFinding.objects.create(idea=idea, finding=finding)
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
    data = {
        "axis": "Axe 1 - Accueil",
        "objectives": "Accueillir et orienter.",
        "lead_service": "Affaires sociales",
        "gender_marker": 1,
        "costs": {2023: cost},
        "financing": financing
        if isinstance(financing, list)
        else [{"source": "prim", "amount": financing, "status": "committed"}],
        "indicators": [{"name": "Personnes accueillies", "unit": "personnes", "target": 100}],
        "milestones": [{"title": "Local prêt", "done": True}, {"title": "Agents formés"}],
        "snia": SniaProgramme.objects.filter(code="governance-communication"),
    }
    data.update(extra)
    return services.action_create(cycle=cycle, ideas=ideas, by=None, **data)


@pytest.fixture
def ideas(cycle):
    return build_ideas(cycle, 4)


@pytest.fixture
def plan_url():
    return lambda code="oujda": PLAN.format(code=code)


__all__ = ["CriterionKind"]
