"""A known diagnosis for Oujda's cycle, and a builder for query-count tests.

The reference lists come from the data migration (tests run on a migrated database).
"""

import datetime

import pytest
from django.urls import reverse

from diagnostics.models import (
    ConsultationSession,
    Finding,
    IdeaFinding,
    MigrationFigure,
    Participation,
    ProjectIdea,
    Sector,
    TargetGroup,
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
        session = ConsultationSession.objects.create(
            cycle=cycle,
            kind="focus_group",
            date=datetime.date(2022, 11, 1 + i % 28),
            title=f"{prefix}Focus group {i + 1}",
            title_ar=f"مجموعة بؤرية {i + 1}",
            place="Lazaret",
            languages=["darija"],
        )
        Participation.objects.create(session=session, group=groups["mre"], women=3, men=5)
        Participation.objects.create(session=session, group=groups["civil-society"], women=4, men=2)
        finding = Finding.objects.create(
            cycle=cycle,
            number=start + i + 1,
            title=f"{prefix}Need {i + 1}",
            sector=sectors["health"] if i % 2 else sectors["reception-orientation"],
            severity=1 + i % 3,
            women_view="Women said this.",
            men_view="Men said that.",
        )
        finding.groups.set([groups["mre"], groups["women-migrants"]])
        finding.sessions.set([session])
        idea = ProjectIdea.objects.create(
            cycle=cycle,
            number=start + i + 1,
            title=f"{prefix}Idea {i + 1}",
            sector=finding.sector,
            beneficiaries_women=10,
            beneficiaries_men=5,
        )
        idea.target_groups.set([groups["mre"]])
        IdeaFinding.objects.create(idea=idea, finding=finding)
        made["sessions"].append(session)
        made["findings"].append(finding)
        made["ideas"].append(idea)
    return made


@pytest.fixture
def diagnosis(cycle, groups, sectors):
    """The known fixture: one unit plus an unanswered finding and a profile figure."""
    made = build_diagnosis(cycle, 1, groups=groups, sectors=sectors)
    session = ConsultationSession.objects.create(
        cycle=cycle,
        kind="workshop",
        date=datetime.date(2022, 12, 1),
        title="Atelier",
        place="Siège",
        by_age_band=True,
    )
    Participation.objects.create(
        session=session, group=groups["third-country-nationals"], age_band="18_35", women=6, men=2
    )
    Participation.objects.create(
        session=session, group=groups["youth"], age_band="u18", women=1, men=3
    )
    lonely = Finding.objects.create(
        cycle=cycle, number=2, title="Unanswered need", sector=sectors["housing"], severity=2
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
