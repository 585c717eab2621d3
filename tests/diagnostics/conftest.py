"""A known diagnosis for Oujda's cycle, and a builder for query-count tests.

The reference lists come from the data migration (tests run on a migrated database).
"""

import datetime

import pytest
from django.urls import reverse

from diagnostics.models import MigrationFigure, ProjectIdea, Sector, TargetGroup
from tests.factories import (
    ConsultationSessionFactory,
    FindingFactory,
    ParticipationFactory,
    ProjectIdeaFactory,
)


@pytest.fixture
def groups(db):
    return {g.code: g for g in TargetGroup.objects.all()}


@pytest.fixture
def sectors(db):
    return {s.code: s for s in Sector.objects.all()}


def build_diagnosis(cycle, size=1, *, groups, sectors, prefix=""):
    """``size`` sessions, findings and ideas; each session counts a migrant and a local group.

    Per unit: MRE 3 women + 5 men, civil society 4 women + 2 men (so 7 women, 7 men).
    """
    made = {"sessions": [], "findings": [], "ideas": []}
    start = ProjectIdea.objects.filter(cycle=cycle).count()
    for i in range(size):
        session = ConsultationSessionFactory(
            cycle=cycle,
            focus_group=True,
            date=datetime.date(2022, 11, 1 + i % 28),
            title=f"{prefix}Focus group {i + 1}",
            title_ar=f"مجموعة بؤرية {i + 1}",
        )
        ParticipationFactory(session=session, group=groups["mre"], women=3, men=5)
        ParticipationFactory(session=session, group=groups["civil-society"], women=4, men=2)
        finding = FindingFactory(
            cycle=cycle,
            number=start + i + 1,
            title=f"{prefix}Need {i + 1}",
            sector=sectors["health"] if i % 2 else sectors["reception-orientation"],
            severity=1 + i % 3,
            women_view="Women said this.",
            men_view="Men said that.",
            groups=[groups["mre"], groups["women-migrants"]],
            sessions=[session],
        )
        idea = ProjectIdeaFactory(
            cycle=cycle,
            number=start + i + 1,
            title=f"{prefix}Idea {i + 1}",
            sector=finding.sector,
            beneficiaries_women=10,
            beneficiaries_men=5,
            target_groups=[groups["mre"]],
            findings=[finding],
        )
        made["sessions"].append(session)
        made["findings"].append(finding)
        made["ideas"].append(idea)
    return made


@pytest.fixture
def diagnosis(cycle, groups, sectors):
    """The known fixture: one unit plus an unanswered finding and a profile figure."""
    made = build_diagnosis(cycle, 1, groups=groups, sectors=sectors)
    session = ConsultationSessionFactory(
        cycle=cycle,
        date=datetime.date(2022, 12, 1),
        title="Atelier",
        place="Siège",
        by_age_band=True,
    )
    ParticipationFactory(
        session=session, group=groups["third-country-nationals"], age_band="18_35", women=6, men=2
    )
    ParticipationFactory(session=session, group=groups["youth"], age_band="u18", women=1, men=3)
    lonely = FindingFactory(
        cycle=cycle, number=2, title="Unanswered need", sector=sectors["housing"]
    )
    MigrationFigure.objects.create(
        cycle=cycle, indicator="returnees", total=100, women=40, men=60, source="HCP", year=2014
    )
    made["sessions"].append(session)
    made["lonely"] = lonely
    return made


@pytest.fixture
def url():
    """``url(name, cycle, *args)``: a step 3 address for a cycle."""

    def build(name, cycle, *args):
        return reverse(name, args=[cycle.commune.code, cycle.start_year, *args])

    return build
