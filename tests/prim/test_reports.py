"""The reporting read model: a territory's figures are the sum of its communes' own."""

import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command

from actions.models import PacAction
from communes.models import Commune, Region
from diagnostics.models import TargetGroup
from prim.reports import Filters, build_report, commune_figures, total_of
from tests.actions.conftest import build_ideas, decide, make_action
from tests.factories import (
    AwarenessSessionFactory,
    ConsultationSessionFactory,
    ParticipationFactory,
    TrainingFactory,
    open_cycle,
)

pytestmark = pytest.mark.django_db

PILOTS = ("oujda", "nador", "berkane", "driouch")


def _as_numbers(f):
    return (
        *(getattr(f, name) for name in f.COUNTS[1:]),
        f.cost.total,
        f.cost.gender,
        f.cost.migration,
        f.financing.total,
        {code: (g.women, g.men) for code, g in f.groups.items()},
        {y: (b.total, b.gender, b.migration) for y, b in f.by_year.items()},
        {s: (b.total, b.gender, b.migration) for s, b in f.by_source.items()},
    )


@pytest.fixture
def demo(db):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())


def test_the_orientals_figures_are_the_sum_of_its_four_pilot_communes(demo):
    oriental = Region.objects.get(code="02")
    report = build_report(Commune.objects.filter(province__region=oriental), Filters())
    assert sorted(r.key.code for r in report.rows) == sorted(PILOTS)
    own = [commune_figures(Commune.objects.get(code=c).cycles.get()) for c in PILOTS]
    assert _as_numbers(report.total) == _as_numbers(total_of(own))
    # The demo's published story (DOMAIN.md): 12 projects identified in the Oriental, a majority
    # (not all) adopted into the PACs, as 8 actions; women and men counted apart.
    assert report.total.ideas == 12 and report.total.actions == 8
    assert report.total.ideas > report.total.adopted > report.total.ideas / 2
    assert report.total.trained_women > 0 and report.total.trained_men > 0
    assert report.total.cost.total > 0 and "prim" in report.total.by_source


def test_the_countrys_figures_by_region_add_up_to_the_national_total(demo):
    report = build_report(
        Commune.objects.all(), Filters(), group_by="region", keys=Region.objects.all()
    )
    assert len(report.rows) == 12
    assert _as_numbers(total_of(r.figures for r in report.rows)) == _as_numbers(report.total)
    by_code = {r.key.code: r.figures for r in report.rows}
    assert (by_code["02"].ideas, by_code["09"].ideas) == (12, 10)
    assert (by_code["02"].actions, by_code["09"].actions) == (8, 6)
    assert by_code["01"].cycles == 0


def test_random_communes_add_up_whatever_their_records(db):
    rng = random.Random(12)
    oriental = Region.objects.get(code="02")
    communes = list(Commune.objects.filter(province__region=oriental).order_by("pk")[:6])
    mre = TargetGroup.objects.get(code="mre")
    refugees = TargetGroup.objects.get(code="refugees")
    statuses = [s for s, _ in PacAction.Status.choices]
    for commune in communes:
        cycle = open_cycle(commune, 2022)
        for _ in range(rng.randint(0, 2)):
            AwarenessSessionFactory(
                cycle=cycle, attendance={"elected": (rng.randint(0, 9), rng.randint(0, 9))}
            )
        TrainingFactory(
            cycle=cycle, trainees=tuple((rng.choice("fm"), 2) for _ in range(rng.randint(1, 5)))
        )
        session = ConsultationSessionFactory(cycle=cycle)
        ParticipationFactory(session=session, group=mre, women=rng.randint(0, 7), men=3)
        ParticipationFactory(session=session, group=refugees, women=1, men=rng.randint(0, 4))
        ideas = build_ideas(cycle, rng.randint(1, 3))
        decide(ideas)
        for idea in ideas:
            action = make_action(
                cycle,
                [idea],
                gender_marker=rng.randint(0, 2),
                migration_marker=rng.randint(0, 2),
                costs={2023: Decimal(rng.randint(1, 9) * 1000), 2024: Decimal(500)},
                financing=[
                    {
                        "source": rng.choice(["prim", "commune", "indh"]),
                        "amount": Decimal(rng.randint(1, 5) * 100),
                        "status": rng.choice(["planned", "committed", "received"]),
                    }
                ],
            )
            PacAction.objects.filter(pk=action.pk).update(
                status=rng.choice(statuses), status_reason="Raison"
            )
    report = build_report(Commune.objects.filter(province__region=oriental), Filters())
    own = [commune_figures(c.cycles.get()) for c in communes]
    assert report.total.cycles == len(communes) >= 4
    assert _as_numbers(report.total) == _as_numbers(total_of(own))
    expected_cost = sum(
        (c.amount for a in PacAction.objects.all() for c in a.costs.all()), Decimal(0)
    )
    assert report.total.cost.total == expected_cost
    assert report.total.actions == PacAction.objects.count()
    assert report.total.completed == PacAction.objects.filter(status="completed").count()


def test_a_pac_period_and_a_step_status_narrow_the_cycles(db):
    oujda, nador = Commune.objects.get(code="oujda"), Commune.objects.get(code="nador")
    open_cycle(oujda, 2016)
    open_cycle(oujda, 2022)
    open_cycle(nador, 2016)
    communes = Commune.objects.filter(code__in=["oujda", "nador"])
    newest = build_report(communes, Filters())
    assert sorted((c.commune.code, c.start_year) for c in newest.cycles) == [
        ("nador", 2016),
        ("oujda", 2022),
    ]
    assert len(build_report(communes, Filters(period=2016)).cycles) == 2
    assert len(build_report(communes, Filters(step=1, status="validated")).cycles) == 0
    assert len(build_report(communes, Filters(step=1, status="not_started")).cycles) == 2


def _state(action):
    """The rule the funnel follows: the latest year of the follow-up, else the action's own."""
    latest = action.years.order_by("-year").first()
    return latest.status if latest else action.status


def test_the_funnel_reads_the_adopted_pacs_yearly_follow_up(demo):
    from actions import followup
    from actions.models import ActionYear

    oriental = Region.objects.get(code="02")
    communes = Commune.objects.filter(province__region=oriental)
    actions = list(PacAction.objects.filter(cycle__commune__in=communes))
    followed = [a for a in actions if a.years.exists()]
    # The demo follows its adopted actions up in 2024: the first of each commune completed,
    # the others in progress, whatever the action's own status says.
    assert followed and {a.years.get().year for a in followed} == {2024}
    report = build_report(communes, Filters())
    assert report.total.completed == sum(_state(a) == "completed" for a in actions) > 0
    assert report.total.in_progress == sum(_state(a) == "in_progress" for a in actions) > 0
    # Money committed in the follow-up counts as financed, as a committed financing line does.
    assert report.total.financed >= sum(a.years.get().money.exists() for a in followed)

    # An editor records a later year through the service: the report changes at once.
    action = next(a for a in followed if _state(a) == "in_progress")
    before = build_report(communes, Filters()).total
    followup.action_year_save(
        action=action,
        year=2025,
        status=ActionYear.Status.COMPLETED,
        reason="",
        note="",
        milestones=[],
        money={},
        measures={},
        loaded_version=None,
        by=None,
    )
    after = build_report(communes, Filters()).total
    assert (after.completed, after.in_progress) == (before.completed + 1, before.in_progress - 1)
    # And the region is still the sum of its communes' own pages.
    own = [commune_figures(c.cycles.get()) for c in communes]
    assert _as_numbers(after) == _as_numbers(total_of(own))
