"""The report figures of each PAC cycle, stored (``CycleFigures``) and kept up to date.

``stored_figures(cycles)``: ``{cycle.pk: Figures}`` from the stored rows (1 query); the cycles
without a row are computed live by ``reports.cycle_figures`` (the step selectors, in one batch)
and their rows written (1 query a 500 rows, conflicts ignored: two requests may race). A fresh
database, or one seeded in bulk, is only slower the first time.

Staleness: ``communes.signals.cycles_changed`` (sent after the commit of any change under a cycle,
see ``actions.annex.tasks``, and by the bulk imports) deletes the rows of those cycles; a change
every cycle shows (a reference list: the groups' names are stored) deletes them all.
"""

from __future__ import annotations

from decimal import Decimal

from actions.selectors import Budget
from communes.signals import figures_stored
from communes.steps import Bi

BATCH = 500


def _budget(b: Budget) -> list[str]:
    return [str(b.total), str(b.gender), str(b.migration)]


def _unbudget(values) -> Budget:
    return Budget(*map(Decimal, values))


def to_json(f) -> dict:
    from .reports import Figures

    return {
        "counts": [getattr(f, name) for name in Figures.COUNTS],
        "cost": _budget(f.cost),
        "financing": _budget(f.financing),
        "groups": {
            code: [g.group.fr, g.group.ar, g.is_migrant, g.order, g.women, g.men]
            for code, g in f.groups.items()
        },
        "by_year": {str(year): _budget(b) for year, b in f.by_year.items()},
        "by_source": {source: _budget(b) for source, b in f.by_source.items()},
    }


def from_json(data: dict):
    from .reports import Figures, GroupCount

    f = Figures(**dict(zip(Figures.COUNTS, data["counts"], strict=True)))
    f.cost = _unbudget(data["cost"])
    f.financing = _unbudget(data["financing"])
    f.groups = {
        code: GroupCount(Bi(fr, ar), migrant, order, women, men)
        for code, (fr, ar, migrant, order, women, men) in data["groups"].items()
    }
    f.by_year = {int(year): _unbudget(b) for year, b in data["by_year"].items()}
    f.by_source = {source: _unbudget(b) for source, b in data["by_source"].items()}
    return f


def stored_figures(cycles) -> dict:
    """``{cycle.pk: Figures}`` of ``cycles`` (anything with a ``pk``): 1 query when every row
    is stored; else + the live figures of the missing ones + 1 insert a 500."""
    from .models import CycleFigures
    from .reports import cycle_figures, step_totals

    ids = [c.pk for c in cycles]
    rows = dict(CycleFigures.objects.filter(cycle_id__in=ids).values_list("cycle_id", "data"))
    result = {pk: from_json(data) for pk, data in rows.items()}
    missing = [c for c in cycles if c.pk not in rows]
    if missing:
        live = cycle_figures(missing, totals=step_totals(missing))
        CycleFigures.objects.bulk_create(
            [CycleFigures(cycle_id=pk, data=to_json(f)) for pk, f in live.items()],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        figures_stored()
        result.update(live)
    return result


def forget(sender=None, *, cycle_ids=(), everything=False, **kwargs) -> None:
    """Receiver of ``communes.signals.cycles_changed``: the rows of those cycles are stale."""
    from .models import CycleFigures

    if everything:
        CycleFigures.objects.all().delete()
    elif cycle_ids:
        CycleFigures.objects.filter(cycle_id__in=list(cycle_ids)).delete()
