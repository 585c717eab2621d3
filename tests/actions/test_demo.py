"""The demo tells the published story: 22 PAC actions, 12 in the Oriental, 10 in Souss-Massa."""

import io

from django.core.management import call_command
from django.db.models import Count

from actions.models import ActionIdea, IdeaDecision, PacAction, Score
from communes.models import PlanningCycle
from communes.tracker import build_trackers


def _load():
    call_command("load_demo", allow_production=True, stdout=io.StringIO())


def test_demo_has_22_actions_12_oriental_10_souss_massa(db):
    _load()
    assert PacAction.objects.count() == 22
    by_region = dict(
        PacAction.objects.values("cycle__commune__province__region__code")
        .annotate(n=Count("pk"))
        .values_list("cycle__commune__province__region__code", "n")
    )
    assert by_region == {"02": 12, "09": 10}
    by_commune = dict(
        PacAction.objects.values("cycle__commune__code")
        .annotate(n=Count("pk"))
        .values_list("cycle__commune__code", "n")
    )
    assert by_commune == {
        "oujda": 3,
        "nador": 3,
        "berkane": 3,
        "driouch": 3,
        "sidi-bibi": 4,
        "ait-amira": 3,
        "belfaa": 3,
    }
    # The Oriental's four reception and orientation cells are among them, under way.
    cells = PacAction.objects.filter(title__icontains="accueil")
    assert sorted(cells.values_list("cycle__commune__code", flat=True)) == [
        "berkane",
        "driouch",
        "nador",
        "oujda",
    ]
    assert all(c.status == "in_progress" for c in cells)
    # Sidi Bibi merged two ideas into one action; every adopted idea is planned.
    assert ActionIdea.objects.filter(action__cycle__commune__code="sidi-bibi").count() == 5
    assert IdeaDecision.objects.filter(outcome="adopted").count() == ActionIdea.objects.count()
    assert PacAction.objects.filter(financing__source="prim").distinct().count() >= 6
    # Steps 4 and 5 of every pilot commune are complete on the tracker.
    cycles = list(PlanningCycle.objects.prefetch_related("steps").select_related("commune"))
    for rows in build_trackers(cycles).values():
        assert rows[3].complete and rows[4].complete


def test_demo_is_idempotent(db):
    _load()
    counts = (PacAction.objects.count(), Score.objects.count(), IdeaDecision.objects.count())
    _load()
    assert (
        PacAction.objects.count(),
        Score.objects.count(),
        IdeaDecision.objects.count(),
    ) == counts
