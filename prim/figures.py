"""The report figures of each PAC cycle, stored (``CycleFigures``) and kept up to date.

``stored_figures(cycles)``: ``{cycle.pk: Figures}`` from the stored rows (1 query); the cycles
without a row are computed live by ``reports.cycle_figures`` (the step selectors, in one batch)
and their rows written (1 query a 500 rows, conflicts ignored: two requests may race). A fresh
database, or one seeded in bulk, is only slower the first time.

Staleness: ``communes.signals.cycles_changed`` (sent in the writer's transaction and after its
commit for any change under a cycle, see ``actions.annex.tasks``, and by the bulk imports) moves
the ``epoch`` of those cycles' rows up (of every row for a change every cycle shows: a reference
list, whose names are stored); a row is read only while its ``data_epoch`` equals its ``epoch``.
A report reads the epochs first and stores what it computed only where the epoch has not moved
since (a conditional update; a missing row is inserted with conflicts ignored, and a write makes
the row first): a report that read the records just before a write never stores them as current.
"""

from __future__ import annotations

from decimal import Decimal

from actions.selectors import Budget
from communes.signals import figures_stored
from communes.steps import Bi

BATCH = 500
CENT = Decimal("0.01")


# Amounts are stored as whole centimes (the amounts are ``decimal_places=2``): a report sums
# 1,503 cycles' budgets as integers and builds one ``Decimal`` per total, not one per cycle.
def _cents(value: Decimal) -> int:
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{value} is not a whole number of centimes")
    return int(cents)


def _budget(b: Budget) -> list[int]:
    return [_cents(b.total), _cents(b.gender), _cents(b.migration)]


def _unbudget(cents) -> Budget:
    return Budget(*(Decimal(c) * CENT for c in cents))


def to_json(f) -> dict:
    """A cycle's figures as stored: counts, budgets in centimes, participants by group code
    (the groups' names and order are read when shown: ``group_meta``)."""
    from .reports import Figures

    return {
        "counts": [getattr(f, name) for name in Figures.COUNTS],
        "cost": _budget(f.cost),
        "financing": _budget(f.financing),
        "groups": {code: [g.women, g.men] for code, g in f.groups.items()},
        "by_year": {str(year): _budget(b) for year, b in f.by_year.items()},
        "by_source": {source: _budget(b) for source, b in f.by_source.items()},
    }


def group_meta() -> dict:
    """``{code: (Bi name, is_migrant, order)}`` of every target group (1 query)."""
    from diagnostics.models import TargetGroup

    rows = TargetGroup._base_manager.values_list(
        "code", "name_fr", "name_ar", "is_migrant", "order"
    )
    return {code: (Bi(fr, ar), migrant, order) for code, fr, ar, migrant, order in rows}


def empty() -> dict:
    from .reports import Figures

    return {
        "counts": [0] * len(Figures.COUNTS),
        "cost": [0, 0, 0],
        "financing": [0, 0, 0],
        "groups": {},
        "by_year": {},
        "by_source": {},
    }


def _add3(into: list, values: list) -> None:
    into[0] += values[0]
    into[1] += values[1]
    into[2] += values[2]


def add_json(total: dict, data: dict) -> dict:
    """Add one cycle's stored figures into ``total`` (an ``empty()``), as ``Figures.add``
    does, on the stored lists: integers only, no object per cycle."""
    counts = total["counts"]
    for i, n in enumerate(data["counts"]):
        counts[i] += n
    _add3(total["cost"], data["cost"])
    _add3(total["financing"], data["financing"])
    groups = total["groups"]
    for code, g in data["groups"].items():
        mine = groups.get(code)
        if mine is None:
            groups[code] = list(g)
        else:
            mine[0] += g[0]
            mine[1] += g[1]
    for name in ("by_year", "by_source"):
        mine = total[name]
        for key, b in data[name].items():
            if key in mine:
                _add3(mine[key], b)
            else:
                mine[key] = list(b)
    return total


def from_json(data: dict, groups: dict):
    """The ``Figures`` of stored (or summed, ``add_json``) figures; ``groups``: ``group_meta()``."""
    from .reports import Figures, GroupCount

    f = Figures(**dict(zip(Figures.COUNTS, data["counts"], strict=True)))
    f.cost = _unbudget(data["cost"])
    f.financing = _unbudget(data["financing"])
    f.groups = {
        code: GroupCount(*groups[code], women, men) for code, (women, men) in data["groups"].items()
    }
    f.by_year = {int(year): _unbudget(b) for year, b in data["by_year"].items()}
    f.by_source = {source: _unbudget(b) for source, b in data["by_source"].items()}
    return f


def stored_figures(cycles) -> dict:
    """``{cycle.pk: stored figures}`` (``to_json``'s lists: sum them with ``add_json``, read
    them with ``from_json``) of ``cycles`` (anything with a ``pk``): 1 query when every row is
    current; else + the live figures of the others + their inserts and conditional updates."""
    from .models import CycleFigures
    from .reports import cycle_figures, step_totals

    ids = [c.pk for c in cycles]
    # The epochs are read before any record the figures count (see the module's docstring).
    rows = CycleFigures.objects.filter(cycle_id__in=ids).values_list(
        "cycle_id", "epoch", "data_epoch", "data"
    )
    result, epochs = {}, {}
    for pk, epoch, data_epoch, data in rows:
        epochs[pk] = epoch
        if data_epoch == epoch:
            result[pk] = data
    stale = [c for c in cycles if c.pk not in result]
    if not stale:
        return result
    live = {pk: to_json(f) for pk, f in cycle_figures(stale, totals=step_totals(stale)).items()}
    CycleFigures.objects.bulk_create(
        [
            CycleFigures(cycle_id=pk, data=data, epoch=0, data_epoch=0)
            for pk, data in live.items()
            if pk not in epochs
        ],
        batch_size=BATCH,
        ignore_conflicts=True,  # a write or another report made the row meanwhile: theirs
    )
    by_epoch: dict[int, list] = {}
    for pk, data in live.items():
        if pk in epochs:
            by_epoch.setdefault(epochs[pk], []).append(
                CycleFigures(cycle_id=pk, data=data, data_epoch=epochs[pk])
            )
    for epoch, objs in by_epoch.items():
        # Only where no write moved the epoch since it was read.
        CycleFigures.objects.filter(epoch=epoch).bulk_update(
            objs, ["data", "data_epoch"], batch_size=BATCH
        )
    figures_stored()
    result.update(live)
    return result


def forget(sender=None, *, cycle_ids=(), everything=False, **kwargs) -> None:
    """Receiver of ``communes.signals.cycles_changed``: those cycles' figures are stale. The
    rows are made first where missing, so a report computing them at the same time cannot
    insert what it read before this write."""
    from django.db.models import F

    from communes.models import PlanningCycle

    from .models import CycleFigures

    cycles = PlanningCycle.objects.all()
    if not everything:
        # Only cycles that exist: a cycle deleted in this transaction (or a record that had
        # none) has no figures to make stale.
        cycles = cycles.filter(pk__in=[pk for pk in cycle_ids if pk is not None])
    ids = list(cycles.values_list("pk", flat=True))
    if not ids:
        return
    CycleFigures.objects.bulk_create(
        [CycleFigures(cycle_id=pk) for pk in ids], batch_size=BATCH, ignore_conflicts=True
    )
    rows = (
        CycleFigures.objects.all() if everything else CycleFigures.objects.filter(cycle_id__in=ids)
    )
    rows.update(epoch=F("epoch") + 1)
