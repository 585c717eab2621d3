"""Programme reporting: what a set of communes identified, adopted, financed and carried out.

One read model for the commune, province, region and country reports. ``cycle_figures`` turns
the step selectors' summaries of a batch of cycles into one ``Figures`` per cycle (the one
place a report figure is derived; each raw number comes from the step's own selector), and a
territory's figures are the sum of its cycles' (``Figures.add``), so a region's total is by
construction the sum of what its communes' own pages show.

The province, region and country reports read each cycle's ``Figures`` from a stored row
(``prim.figures``: ``CycleFigures``, dropped by every write under the cycle and computed again,
live, by the next report that counts it). Queries for any number of communes (``build_report``):
the cycles (1) + the stored figures (1) + the groups' names (1); when some are missing, + the
five step selectors over those (11: aggregates grouped by cycle, 1 + 1 + 3 + 2 + 4) +
participation by group, budget by year, financing by source (3) + storing them (1). No query is
a subquery correlated to the cycle. The trackers of a page's communes: their step statuses (1)
and the step selectors over those (``Report.summaries``, 11).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from actions.models import Financing
from actions.selectors import Budget, budgets_by_year, financing_by_sources
from communes.models import PlanningCycle, Province, Region, StepStatus
from communes.steps import Bi, all_steps, summaries
from diagnostics.selectors import participation_by_groups

# Fewer people than this of a vulnerable group in one commune are shown as "< 5" in views
# that leave the commune (law 09-08; DOMAIN.md section 4).
SMALL_COUNT = 5


@dataclass
class GroupCount:
    group: Bi
    is_migrant: bool
    order: int
    women: int = 0
    men: int = 0

    @property
    def total(self) -> int:
        return self.women + self.men


@dataclass
class Figures:
    """The figures of one cycle, or the sum of several (``add``)."""

    cycles: int = 0
    sensitised_women: int = 0
    sensitised_men: int = 0
    trained_women: int = 0
    trained_men: int = 0
    consulted_women: int = 0
    consulted_men: int = 0
    migrant_women: int = 0
    migrant_men: int = 0
    ideas: int = 0
    prioritised: int = 0
    adopted: int = 0
    actions: int = 0
    financed: int = 0
    in_progress: int = 0
    completed: int = 0
    cost: Budget = field(default_factory=Budget)
    financing: Budget = field(default_factory=Budget)
    groups: dict[str, GroupCount] = field(default_factory=dict)
    by_year: dict[int, Budget] = field(default_factory=dict)
    by_source: dict[str, Budget] = field(default_factory=dict)

    COUNTS = (
        "cycles",
        "sensitised_women",
        "sensitised_men",
        "trained_women",
        "trained_men",
        "consulted_women",
        "consulted_men",
        "migrant_women",
        "migrant_men",
        "ideas",
        "prioritised",
        "adopted",
        "actions",
        "financed",
        "in_progress",
        "completed",
    )

    def add(self, other: Figures) -> Figures:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.cost.add(other.cost)
        self.financing.add(other.financing)
        for code, g in other.groups.items():
            mine = self.groups.setdefault(code, GroupCount(g.group, g.is_migrant, g.order))
            mine.women += g.women
            mine.men += g.men
        for year, b in other.by_year.items():
            self.by_year.setdefault(year, Budget()).add(b)
        for source, b in other.by_source.items():
            self.by_source.setdefault(source, Budget()).add(b)
        return self

    @property
    def sensitised(self) -> int:
        return self.sensitised_women + self.sensitised_men

    @property
    def trained(self) -> int:
        return self.trained_women + self.trained_men

    @property
    def consulted(self) -> int:
        return self.consulted_women + self.consulted_men

    @property
    def migrants(self) -> int:
        return self.migrant_women + self.migrant_men

    def funnel(self) -> list[tuple[str, object, int]]:
        """``(key, label, number)`` from ideas identified to actions completed."""
        return [(key, FUNNEL_LABELS[key], getattr(self, key)) for key in FUNNEL]

    def people(self) -> list[tuple[str, object, int, int]]:
        """``(key, label, women, men)``: who was sensitised, trained and consulted."""
        return [
            ("sensitised", _("Sensitised"), self.sensitised_women, self.sensitised_men),
            ("trained", _("Trained"), self.trained_women, self.trained_men),
            ("consulted", _("Consulted"), self.consulted_women, self.consulted_men),
        ]

    def group_rows(self) -> list[GroupCount]:
        return sorted(self.groups.values(), key=lambda g: g.order)

    def years(self) -> list[tuple[int, Budget]]:
        return sorted(self.by_year.items())

    def sources(self) -> list[tuple[str, object, Budget]]:
        """``(code, label, Budget)`` per financing source, in the sources' order."""
        labels = dict(Financing.Source.choices)
        return [
            (code, labels[code], self.by_source[code])
            for code in Financing.Source.values
            if code in self.by_source
        ]


FUNNEL = ("ideas", "prioritised", "adopted", "actions", "financed", "in_progress", "completed")
FUNNEL_LABELS = {
    "ideas": _("Ideas identified"),
    "prioritised": _("Ideas prioritised"),
    "adopted": _("Ideas adopted"),
    "actions": _("PAC actions"),
    "financed": _("Actions financed"),
    "in_progress": _("Actions in progress"),
    "completed": _("Actions completed"),
}


def step_totals(cycles: Sequence[PlanningCycle]) -> dict[int, dict[int, object]]:
    """``{step: {cycle.pk: totals}}``, the same numbers as ``summaries(cycles)``' ``totals``:
    each step's raw totals, read through the step registry. A report that shows no tracker
    (the country's regions) reads these alone and skips building a summary per cycle (the same
    queries, none of the per-cycle formatting)."""
    return {s.number: s.totals(cycles) for s in all_steps()}


def summaries_of(totals, cycles) -> dict[int, dict[int, object]]:
    """``summaries(cycles)`` from totals already read (no query): the trackers of the 25
    communes a page shows, not of the hundreds its totals count."""
    return {
        s.number: {c.pk: s.summary_of(totals[s.number][c.pk]) for c in cycles} for s in all_steps()
    }


def _totals(by_step) -> dict[int, dict[int, object]]:
    return {n: {pk: s.totals for pk, s in per.items()} for n, per in by_step.items()}


def cycle_figures(
    cycles: Sequence[PlanningCycle], by_step=None, *, totals=None, details: bool = True
) -> dict[int, Figures]:
    """``{cycle.pk: Figures}`` from the step selectors (the steps' queries + 3 for any number
    of cycles; only the 3 when the caller passes the selectors' ``summaries`` as ``by_step``
    or their raw ``totals``, ``step_totals``)."""
    if totals is None:
        totals = _totals(summaries(cycles) if by_step is None else by_step)
    if details:
        groups = participation_by_groups(cycles)
        years = budgets_by_year(cycles)
        sources = financing_by_sources(cycles)
    else:  # the caller does not show them
        groups = years = sources = {}
    result = {}
    for cycle in cycles:
        pk = cycle.pk
        aware, train, diag, prio, pac = (totals[n][pk] for n in (1, 2, 3, 4, 5))
        result[pk] = Figures(
            cycles=1,
            sensitised_women=aware.women,
            sensitised_men=aware.men,
            trained_women=train.women,
            trained_men=train.trainees - train.women,
            consulted_women=diag.women,
            consulted_men=diag.men,
            migrant_women=diag.migrant_women,
            migrant_men=diag.migrant_men,
            ideas=diag.ideas,
            prioritised=prio.fully_scored,
            adopted=prio.adopted,
            actions=pac.actions,
            financed=pac.financed,
            in_progress=pac.in_progress,
            completed=pac.completed,
            cost=replace(pac.budget),  # a copy: the sums add into it
            financing=sum_budgets(row["budget"] for row in sources.get(pk, ())),
            groups={
                row["code"]: GroupCount(
                    row["group"], row["is_migrant"], row["order"], row["women"], row["men"]
                )
                for row in groups.get(pk, ())
            },
            by_year=years.get(pk, {}),
            by_source={row["source"]: row["budget"] for row in sources.get(pk, ())},
        )
    return result


def sum_budgets(budgets: Iterable[Budget]) -> Budget:
    total = Budget()
    for b in budgets:
        total.add(b)
    return total


def total_of(figures: Iterable[Figures]) -> Figures:
    total = Figures()
    for f in figures:
        total.add(f)
    return total


# --- Which cycles a report counts ------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    period: int | None = None  # first year of the PAC period; None: each commune's newest
    step: int | None = None
    status: str = ""
    province: str = ""  # a province code, within a region report
    region: str = ""  # a region code, on the country report
    query: str = ""  # a commune's name, French or Arabic

    @property
    def active(self) -> bool:
        return bool(
            self.period or (self.step and self.status) or self.province or self.region or self.query
        )


def report_cycles(communes, filters: Filters):
    """The cycle counted for each commune of ``communes``: the PAC period asked for, else the
    commune's newest; only those whose step ``filters.step`` is in ``filters.status``."""
    cycles = PlanningCycle.objects.filter(commune__in=communes)
    if filters.period:
        cycles = cycles.filter(start_year=filters.period)
    else:
        newest = (
            PlanningCycle.objects.filter(commune=OuterRef("commune"))
            .order_by("-start_year")
            .values("start_year")[:1]
        )
        cycles = cycles.filter(start_year=Subquery(newest))
    if filters.step and filters.status:
        cycles = cycles.filter(
            Exists(
                StepStatus.objects.filter(
                    cycle=OuterRef("pk"), step=filters.step, status=filters.status
                )
            )
        )
    return cycles.select_related("commune__province__region")


@dataclass
class Row:
    """A line of a comparison table: a commune (with its cycle) or a province or region."""

    key: object
    figures: Figures
    cycle: PlanningCycle | None = None
    steps: list = field(default_factory=list)  # the commune's tracker, filled for a page

    @property
    def name(self) -> str:
        return self.key.name


@dataclass
class Report:
    total: Figures
    rows: list[Row]
    cycles: list[PlanningCycle]

    def summaries(self, cycles) -> dict:
        """The step summaries of some of the counted cycles, for their trackers: the step
        selectors over those cycles alone (the 25 communes of a page, not the 1,503 counted)."""
        return summaries(cycles)


@dataclass(frozen=True)
class CycleRef:
    """A counted cycle where only its key matters (the selectors read ``pk`` alone): a report
    by province or region reads its cycles as ``(pk, key)`` pairs instead of 1,503 cycles with
    their commune, province and region built as models."""

    pk: int


def build_report(communes, filters: Filters, *, group_by: str = "commune", keys=()) -> Report:
    """The report of ``communes`` (a queryset already scoped to the user): totals and one row
    per commune, or per province or region (``group_by``; ``keys`` lists the provinces or
    regions to show even without a cycle).

    Each cycle's figures are read from their stored rows (``prim.figures.stored_figures``: 1
    query; the missing ones computed live and stored) and summed here."""
    from .figures import add_json, empty, from_json, group_meta, stored_figures

    if group_by == "commune":  # the comparison table shows each commune's tracker
        cycles = list(report_cycles(communes, filters))
        stored = stored_figures(cycles)
        meta = group_meta()
        rows = [Row(c.commune, from_json(stored[c.pk], meta), c) for c in cycles]
        total = empty()
        for data in stored.values():
            add_json(total, data)
        return Report(total=from_json(total, meta), rows=rows, cycles=cycles)
    else:
        by_province = group_by == "province"
        pairs = list(
            report_cycles(communes, filters)
            .select_related(None)
            .values_list("pk", "commune__province" if by_province else "commune__province__region")
        )
        cycles = [CycleRef(pk) for pk, _key in pairs]
        stored = stored_figures(cycles)
        keyed = {k.pk: k for k in keys}
        missing = {key for _pk, key in pairs} - set(keyed)
        if missing:  # a territory the caller did not list (1 query)
            model = Province if by_province else Region
            keyed.update((k.pk, k) for k in model.objects.filter(pk__in=missing))
        # Summed on the stored lists (integers): one Figures per territory, none per cycle.
        sums = {pk: empty() for pk in keyed}
        total = empty()
        for pk, key in pairs:
            add_json(sums[key], stored[pk])
        for data in sums.values():
            add_json(total, data)
        meta = group_meta()
        rows = [Row(k, from_json(sums[pk], meta)) for pk, k in keyed.items()]
        return Report(total=from_json(total, meta), rows=rows, cycles=cycles)


def commune_figures(cycle: PlanningCycle) -> Figures:
    """One cycle's figures, as its commune page shows them (the region's function)."""
    return cycle_figures([cycle])[cycle.pk]


# --- Drill down: the page that lists what a figure counts ------------------------------------

# Which step page lists the records behind a figure.
FIGURE_PAGES = {
    "sensitised": "communes:awareness_list",
    "trained": "communes:training_list",
    "consulted": "diagnostics:summary",
    "migrants": "diagnostics:summary",
    "ideas": "diagnostics:ideas",
    "prioritised": "actions:grid",
    "adopted": "actions:decision",
    "actions": "actions:pac",
    "financed": "actions:pac",
    "in_progress": "actions:pac",
    "completed": "actions:pac",
    "cost": "actions:pac",
}


def figure_url(cycle: PlanningCycle, key: str) -> str:
    return reverse(FIGURE_PAGES[key], kwargs={"code": cycle.commune.code, "year": cycle.start_year})
