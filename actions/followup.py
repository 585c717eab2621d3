"""Follow-up of the adopted actions after step 5, without reopening the plan.

The plan's own records (the action sheets, their costs, financing plan, indicators and
milestones) stay locked once step 5 is submitted or validated: ``step_write`` guards them.
What happens to the adopted actions afterwards is recorded in records of its own
(``ActionYear`` and its money and measures), which the commune's editors write whatever the
step's status: the follow-up is the commune's duty after adoption (decree 2-16-301), and
writing it changes nothing the council adopted. Reviewers and viewers read it.

The annual execution report sums these records by the database; its totals are those of the
actions' yearly rows, nothing typed twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Sum
from django.utils.translation import gettext as _

from communes import concurrency
from communes.errors import ServiceError
from communes.models import PlanningCycle, User

from .models import (
    ActionChange,
    ActionCost,
    ActionYear,
    ActionYearMoney,
    Financing,
    Indicator,
    IndicatorMeasure,
    Milestone,
    PacAction,
)

ZERO = Decimal(0)


def adopted_actions(cycle: PlanningCycle):
    """The actions a deliberation adopted or added, and no later one dropped."""
    taken = ActionChange.objects.filter(
        action=OuterRef("pk"), change__in=[ActionChange.Change.ADOPTED, ActionChange.Change.ADDED]
    )
    dropped = ActionChange.objects.filter(action=OuterRef("pk"), change=ActionChange.Change.DROPPED)
    return (
        PacAction.objects.filter(cycle=cycle)
        .filter(Exists(taken))
        .exclude(Exists(dropped))
        .order_by("number")
    )


@transaction.atomic
def action_year_save(
    *,
    action: PacAction,
    year: int,
    status: str,
    reason: str,
    note: str,
    milestones: list[Milestone],
    money: dict[str, tuple[Decimal, Decimal]],
    measures: dict[int, dict],
    loaded_version: int | None,
    by: User | None,
) -> ActionYear:
    """Record one action's year: status, milestones done, money by source, measures."""
    cycle = action.cycle
    if not cycle.start_year <= year <= cycle.end_year:
        raise ServiceError(
            {
                "year": _("%(year)s is outside the PAC %(period)s.")
                % {"year": year, "period": cycle.period}
            }
        )
    if not adopted_actions(cycle).filter(pk=action.pk).exists():
        raise ServiceError(_("Only an action a deliberation adopted is followed up."))
    record = ActionYear.objects.select_for_update().filter(action=action, year=year).first()
    concurrency.check_version(record, loaded_version, locked=True)
    record = record or ActionYear(action=action, year=year)
    record.status, record.reason, record.note = status, reason.strip(), note
    record.full_clean()
    record.save()
    record.milestones_done.set([m for m in milestones if m.action_id == action.pk])
    errors = {}
    for source, (committed, paid) in money.items():
        if paid > committed:
            errors.setdefault(f"paid_{source}", []).append(_("More paid than committed."))
    if errors:
        raise ServiceError(errors)
    record.money.all().delete()
    ActionYearMoney.objects.bulk_create(
        [
            ActionYearMoney(record=record, source=s, committed=c, paid=p)
            for s, (c, p) in money.items()
            if c or p
        ]
    )
    record.measures.all().delete()
    indicators = {i.pk: i for i in action.indicators.all()}
    rows = []
    for indicator_id, values in measures.items():
        if indicator_id in indicators and values.get("value") is not None:
            rows.append(IndicatorMeasure(record=record, indicator_id=indicator_id, **values))
    IndicatorMeasure.objects.bulk_create(rows)
    return record


# --- The annual execution report ---------------------------------------------------------------


@dataclass
class ReportRow:
    action: PacAction
    record: ActionYear | None
    planned: Decimal = ZERO  # the plan's cost for the year
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    measures: list = field(default_factory=list)  # (indicator, measure or None)


@dataclass
class AnnualReport:
    cycle: PlanningCycle
    year: int
    rows: list[ReportRow]
    by_status: dict
    by_source: list  # (label, committed, paid)
    planned: Decimal
    committed: Decimal
    paid: Decimal
    beneficiaries_women: int
    beneficiaries_men: int

    @property
    def done(self) -> int:
        return self.by_status.get(ActionYear.Status.COMPLETED, 0)


def annual_report(cycle: PlanningCycle, year: int) -> AnnualReport:
    """Planned against done for one year. Queries: actions (1) + costs of the year (1) + the
    year's records (1) + their money (1) + measures (1) + indicators (1) + milestones (1)
    + money by source (1) + totals (1) = 9, whatever the number of actions."""
    actions = list(
        adopted_actions(cycle)
        .select_related("sector")
        .prefetch_related(
            Prefetch("costs", queryset=ActionCost.objects.filter(year=year)),
            Prefetch(
                "years",
                queryset=ActionYear.objects.filter(year=year).prefetch_related(
                    "money", Prefetch("measures", queryset=IndicatorMeasure.objects.all())
                ),
            ),
            Prefetch("indicators", queryset=Indicator.objects.order_by("pk")),
        )
    )
    rows, by_status = [], defaultdict(int)
    for action in actions:
        record = next(iter(action.years.all()), None)
        measured = {m.indicator_id: m for m in record.measures.all()} if record else {}
        row = ReportRow(
            action=action,
            record=record,
            planned=sum((c.amount for c in action.costs.all()), ZERO),
            committed=sum((m.committed for m in record.money.all()), ZERO) if record else ZERO,
            paid=sum((m.paid for m in record.money.all()), ZERO) if record else ZERO,
            measures=[(i, measured.get(i.pk)) for i in action.indicators.all()],
        )
        by_status[record.status if record else "not_recorded"] += 1
        rows.append(row)
    money = ActionYearMoney.objects.filter(record__action__in=actions, record__year=year)
    labels = dict(Financing.Source.choices)
    by_source = [
        (labels.get(r["source"], r["source"]), r["committed"], r["paid"])
        for r in money.values("source")
        .annotate(committed=Sum("committed"), paid=Sum("paid"))
        .order_by("source")
    ]
    totals = money.aggregate(committed=Sum("committed"), paid=Sum("paid"))
    planned = ActionCost.objects.filter(action__in=actions, year=year).aggregate(t=Sum("amount"))
    return AnnualReport(
        cycle=cycle,
        year=year,
        rows=rows,
        by_status=dict(by_status),
        by_source=by_source,
        planned=planned["t"] or ZERO,
        committed=totals["committed"] or ZERO,
        paid=totals["paid"] or ZERO,
        beneficiaries_women=sum(a.beneficiaries_women or 0 for a in actions),
        beneficiaries_men=sum(a.beneficiaries_men or 0 for a in actions),
    )


def report_measure_totals(report: AnnualReport) -> dict:
    """Measured women and men, summed over the indicators that count people by sex (a
    percentage is not added to a count)."""
    counted = [m for r in report.rows for i, m in r.measures if m and not i.is_percent]
    women = sum((m.women or ZERO for m in counted), ZERO)
    men = sum((m.men or ZERO for m in counted), ZERO)
    return {"women": women, "men": men}
