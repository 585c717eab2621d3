"""Writes of steps 4 and 5: keyword-only, atomic, named <entity>_<verb>, on plain data.

Each write opens its step for writing (``step_write``: refused once submitted or validated);
edited rows are locked and their version compared with the one the form was loaded with
(``check_version``), so a concurrent edit is refused (``StaleRecord``), never lost. Rows are
saved one by one (no ``bulk_create``) so the history keeps every change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes import concurrency
from communes.bilingual import bi_text, looks_arabic
from communes.errors import STALE_MESSAGE, ServiceError, StaleRecord
from communes.models import PlanningCycle, User
from communes.numbers import listing
from communes.numbers import money as money_text
from communes.services import step_write
from diagnostics.models import ProjectIdea

from .models import (
    DEFAULT_WEIGHTS,
    INTEGRATION_STEP,
    MAX_SCORE,
    PRIORITISATION_STEP,
    ActionCost,
    ActionIdea,
    Criterion,
    Financing,
    IdeaDecision,
    Indicator,
    Milestone,
    PacAction,
    Score,
    programme_overruns,
)

Outcome = IdeaDecision.Outcome


# --- Step 4: criteria and weights --------------------------------------------------------------


@transaction.atomic
def criteria_ensure(*, cycle: PlanningCycle) -> list[Criterion]:
    """The cycle's criteria, created from the defaults the first time they are needed."""
    PlanningCycle.objects.select_for_update().filter(pk=cycle.pk).first()  # one creator at a time
    criteria = list(Criterion.objects.filter(cycle=cycle).order_by("order", "pk"))
    if criteria:
        return criteria
    for order, (kind, weight) in enumerate(DEFAULT_WEIGHTS.items(), start=1):
        criteria.append(
            Criterion.objects.create(cycle=cycle, kind=kind, weight=weight, order=order)
        )
    return criteria


@transaction.atomic
def criteria_save(
    *,
    cycle: PlanningCycle,
    weights: dict[str, int],
    versions: dict[str, int] | None,
    by: User | None,
) -> list[Criterion]:
    """Set the weights (percent, adding up to 100) of the cycle's criteria.

    ``versions`` maps each criterion to the version the form was loaded with;
    ``None`` for a form shown before the criteria existed (the defaults).
    """
    step_write(cycle=cycle, step=PRIORITISATION_STEP, by=by)
    existed = Criterion.objects.filter(cycle=cycle).exists()
    criteria = {c.kind: c for c in criteria_ensure(cycle=cycle)}
    locked = {
        c.kind: c
        for c in Criterion.objects.select_for_update().filter(
            pk__in=[c.pk for c in criteria.values()]
        )
    }
    if versions is not None or existed:
        for kind, criterion in locked.items():
            concurrency.check_version(criterion, (versions or {}).get(kind), locked=True)
    if set(weights) != set(locked):
        raise ServiceError(_("Give a weight to every criterion."))
    errors = {}
    for kind, weight in weights.items():
        if weight is None or weight < 0 or weight > 100:
            errors[f"weight_{kind}"] = _("A weight is between 0 and 100%.")
    if errors:
        raise ServiceError(errors)
    total = sum(weights.values())
    if total != 100:
        raise ServiceError(
            _("The weights add up to %(total)s%%; they must add up to 100%%.") % {"total": total}
        )
    for kind, criterion in locked.items():
        if criterion.weight != weights[kind]:
            criterion.weight = weights[kind]
            criterion.save()
    return sorted(locked.values(), key=lambda c: (c.order, c.pk))


# --- Step 4: scores ----------------------------------------------------------------------------


@transaction.atomic
def score_set(
    *,
    idea: ProjectIdea,
    criterion: Criterion,
    value: int | None,
    reason: str = "",
    loaded_version: int | None = None,
    check_version: bool = True,
    by: User | None,
) -> Score | None:
    """Record (or with ``value=None`` clear) the score of one idea on one criterion.

    ``loaded_version`` is the version of the score the form showed (``None`` when it
    showed an empty cell); another save in between raises ``StaleRecord``.
    """
    if idea.cycle_id != criterion.cycle_id:
        raise ServiceError(_("This idea and this criterion belong to different PAC cycles."))
    if value is not None and not (0 <= value <= MAX_SCORE):
        raise ServiceError({"value": _("A score is between 0 and 3.")})
    step_write(cycle=idea.cycle, step=PRIORITISATION_STEP, by=by)
    current = Score.objects.select_for_update().filter(idea=idea, criterion=criterion).first()
    if check_version:
        concurrency.check_version(current, loaded_version, locked=True)
    if value is None:
        if current is not None:
            current.delete()
        return None
    reason = (reason or "").strip()
    if current is None:
        score = Score(idea=idea, criterion=criterion, value=value, reason=reason)
        score.full_clean()
        score.save()
        return score
    if (current.value, current.reason) != (value, reason):
        current.value, current.reason = value, reason
        current.full_clean()
        current.save()
    return current


# --- Step 4: the IEECAG opinion and the council deliberation -----------------------------------


@transaction.atomic
def cycle_record_save(*, record, loaded_version: int | None, by: User | None):
    """Save the IEECAG opinion or the council deliberation (one of each per cycle)."""
    step_write(cycle=record.cycle, step=PRIORITISATION_STEP, by=by)
    concurrency.check_version(record, loaded_version)
    record.save()
    return record


# --- Step 4: decisions on the ideas ------------------------------------------------------------


@transaction.atomic
def decisions_save(*, cycle: PlanningCycle, rows: Sequence[dict], by: User | None) -> None:
    """Record the council's decision on each idea.

    Each row: ``idea``, ``outcome`` ("" for undecided), ``reason``, ``loaded_version``
    (the version the form showed, ``None`` for no decision yet). An adopted idea
    already written into a PAC action cannot be rejected, postponed or undecided.
    """
    ideas = [row["idea"] for row in rows]
    if any(idea.cycle_id != cycle.pk for idea in ideas):
        raise ServiceError(_("An idea of another PAC cycle cannot be decided here."))
    step_write(cycle=cycle, step=PRIORITISATION_STEP, by=by)
    current = {
        d.idea_id: d
        for d in IdeaDecision.objects.select_for_update().filter(idea__in=[i.pk for i in ideas])
    }
    planned = dict(
        ActionIdea.objects.filter(idea__in=[i.pk for i in ideas])
        .select_related("action")
        .values_list("idea_id", "action__number")
    )
    errors = []
    for row in rows:
        idea, outcome, reason = row["idea"], row["outcome"], (row.get("reason") or "").strip()
        decision = current.get(idea.pk)
        concurrency.check_version(decision, row.get("loaded_version"), locked=True)
        if outcome and outcome not in Outcome.values:
            errors.append(_("Unknown decision for %(idea)s.") % {"idea": idea.code})
            continue
        if outcome and outcome != Outcome.ADOPTED and not reason:
            errors.append(
                _("Give the reason for rejecting or postponing %(idea)s.") % {"idea": idea.code}
            )
            continue
        if idea.pk in planned and outcome != Outcome.ADOPTED:
            errors.append(
                _(
                    "%(idea)s is written into the action A-%(number)02d: take it out of the "
                    "action before changing the decision."
                )
                % {"idea": idea.code, "number": planned[idea.pk]}
            )
            continue
        if not outcome:
            if decision is not None:
                decision.delete()
            continue
        # The reason is typed in one language: it goes to the field of its script, the
        # other language's version stays (communes.bilingual).
        field = "reason_ar" if looks_arabic(reason) else "reason"
        if decision is None:
            decision = IdeaDecision(idea=idea, outcome=outcome, **{field: reason})
        elif (decision.outcome, str(bi_text(decision, "reason"))) == (outcome, reason):
            continue
        else:
            decision.outcome = outcome
            setattr(decision, field, reason)
            if not reason:
                decision.reason = decision.reason_ar = ""
        decision.full_clean()
        decision.save()
    if errors:
        raise ServiceError(errors)


# --- Step 5: PAC actions -----------------------------------------------------------------------


def _link_ideas(action: PacAction, ideas: Iterable[ProjectIdea]) -> None:
    """Make the action's ideas exactly ``ideas``: adopted ideas of its cycle, in no other action.

    Merging two ideas into one action keeps a link to each, so the thread back to
    their findings and sessions stays whole.
    """
    ideas = list(ideas)
    if not ideas:
        raise ServiceError({"ideas": _("Choose at least one adopted idea this action comes from.")})
    ids = [i.pk for i in ideas]
    decided = dict(IdeaDecision.objects.filter(idea__in=ids).values_list("idea_id", "outcome"))
    taken = dict(
        ActionIdea.objects.filter(idea__in=ids)
        .exclude(action=action)
        .values_list("idea_id", "action__number")
    )
    errors = []
    for idea in ideas:
        if idea.cycle_id != action.cycle_id:
            errors.append(_("%(idea)s belongs to another PAC cycle.") % {"idea": idea.code})
        elif decided.get(idea.pk) != Outcome.ADOPTED:
            errors.append(_("%(idea)s was not adopted by the council.") % {"idea": idea.code})
        elif idea.pk in taken:
            errors.append(
                _("%(idea)s is already in the action A-%(number)02d.")
                % {"idea": idea.code, "number": taken[idea.pk]}
            )
    if errors:
        raise ServiceError({"ideas": errors})
    for link in action.idea_links.all():
        if link.idea_id not in ids:
            link.delete()
    have = set(action.idea_links.values_list("idea_id", flat=True))
    for idea in sorted(ideas, key=lambda i: i.number):
        if idea.pk not in have:
            ActionIdea.objects.create(action=action, idea=idea)


# What other writers of actions (the spreadsheet import) call: the same rules as the sheet.
def link_ideas(action: PacAction, ideas: Iterable[ProjectIdea]) -> None:
    _link_ideas(action, ideas)


def check_money(action: PacAction) -> Decimal:
    return _check_money(action)


def overrun_message(source, ceiling, planned) -> str:
    return _(
        "%(source)s pays only for the years %(period)s of its programme: the costs of those "
        "years come to %(ceiling)s, this plan takes %(planned)s from it."
    ) % {
        "source": source.name,
        "period": source.period,
        "ceiling": money_text(ceiling),
        "planned": money_text(planned),
    }


def excess_message(money: Decimal, cost: Decimal) -> str:
    return _(
        "The financing (%(money)s) exceeds the cost (%(cost)s) by %(excess)s: "
        "lower a financing line or raise the cost."
    ) % {"money": money_text(money), "cost": money_text(cost), "excess": money_text(money - cost)}


def financing_totals(action: PacAction) -> tuple[Decimal, Decimal]:
    """Cost and financing totals of an action, summed by the database (2 queries)."""
    cost = ActionCost.objects.filter(action=action).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    money = Financing.objects.filter(action=action).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    return cost, money


def _check_money(action: PacAction) -> Decimal:
    """Refuse costs outside the PAC years or the action's own years, financing above the cost,
    and donor money beyond the costs of its programme's years; return the gap."""
    cycle = action.cycle
    outside = sorted(
        ActionCost.objects.filter(action=action)
        .exclude(year__gte=cycle.start_year, year__lte=cycle.end_year)
        .values_list("year", flat=True)
    )
    if outside:
        raise ServiceError(
            {
                "costs": _("%(years)s is outside the PAC %(period)s.")
                % {"years": listing(outside), "period": cycle.period}
            }
        )
    costs = dict(ActionCost.objects.filter(action=action).values_list("year", "amount"))
    first = action.start_date.year if action.start_date else cycle.start_year
    last = action.end_date.year if action.end_date else cycle.end_year
    outside = sorted(year for year in costs if not first <= year <= last)
    if outside:
        raise ServiceError(
            {
                "costs": _("%(years)s is outside the action's dates (%(first)s-%(last)s).")
                % {"years": listing(outside), "first": first, "last": last}
            }
        )
    cost, money = financing_totals(action)
    if money > cost:
        raise ServiceError({"financing": excess_message(money, cost)})
    by_source = defaultdict(Decimal)
    for source, amount in Financing.objects.filter(action=action).values_list("source", "amount"):
        by_source[source] += amount
    overruns = programme_overruns(costs, dict(by_source))
    if overruns:
        raise ServiceError({"financing": [overrun_message(*o) for o in overruns.values()]})
    return cost - money


def _check_dates(action: PacAction) -> None:
    cycle = action.cycle
    errors = {}
    for name in ("start_date", "end_date"):
        value = getattr(action, name)
        if value and not (cycle.start_year <= value.year <= cycle.end_year):
            errors[name] = _("This date is outside the PAC %(period)s.") % {"period": cycle.period}
    if errors:
        raise ServiceError(errors)


@transaction.atomic
def action_save(
    *,
    action: PacAction,
    loaded_version: int | None,
    ideas: Iterable[ProjectIdea],
    snia_programmes: Iterable = (),
    snmre_objectives: Iterable = (),
    target_groups: Iterable = (),
    rows: dict[str, tuple[Sequence, Sequence]] | None = None,
    by: User | None,
) -> tuple[PacAction, Decimal]:
    """Save an action sheet with its yearly costs, financing, indicators and milestones.

    ``rows`` maps each kind of row ("costs", "financing", "indicators", "milestones") to
    ``(rows to save, rows to delete)``, unsaved or changed model instances. Returns the
    action and its financing gap (cost minus financing, 0 when covered). A financing above
    the cost, or a cost outside the PAC years, rolls everything back.
    """
    step_write(cycle=action.cycle, step=INTEGRATION_STEP, by=by)
    concurrency.check_version(action, loaded_version)
    _check_dates(action)
    action.full_clean(exclude=["cycle", "number"])
    action.save()
    action.snia_programmes.set(list(snia_programmes))
    action.snmre_objectives.set(list(snmre_objectives))
    action.target_groups.set(list(target_groups))
    _link_ideas(action, ideas)
    for changed, deleted in (rows or {}).values():
        for row in deleted:
            if row.pk:
                row.delete()
        for row in changed:
            row.action = action
            row.save()
    gap = _check_money(action)
    return action, gap


@transaction.atomic
def action_create(
    *,
    cycle: PlanningCycle,
    ideas: Sequence[ProjectIdea],
    by: User | None,
    costs: dict[int, Decimal] | None = None,
    financing: Sequence[dict] = (),
    indicators: Sequence[dict] = (),
    milestones: Sequence[dict] = (),
    snia: Iterable = (),
    snmre: Iterable = (),
    **fields,
) -> PacAction:
    """Create an action from adopted idea(s), prefilled from the first idea (demo, imports).

    Title, sector, target groups and beneficiaries default to the first idea's.
    """
    first = sorted(ideas, key=lambda i: i.number)[0] if ideas else None
    if first is not None:
        fields.setdefault("title", first.title)
        fields.setdefault("title_ar", first.title_ar)
        fields.setdefault("sector", first.sector)
        fields.setdefault("beneficiaries_women", first.beneficiaries_women)
        fields.setdefault("beneficiaries_men", first.beneficiaries_men)
    step_write(cycle=cycle, step=INTEGRATION_STEP, by=by)
    action = PacAction(cycle=cycle, **fields)
    _check_dates(action)
    action.full_clean(exclude=["number"])  # given when saved
    action.save()
    if first is not None:
        action.target_groups.set(first.target_groups.all())
    action.snia_programmes.set(list(snia))
    action.snmre_objectives.set(list(snmre))
    _link_ideas(action, ideas)
    for year, amount in sorted((costs or {}).items()):
        ActionCost.objects.create(action=action, year=year, amount=Decimal(amount))
    for row in financing:
        line = Financing(action=action, **row)
        line.full_clean()
        line.save()
    for row in indicators:
        Indicator.objects.create(action=action, **row)
    for row in milestones:
        Milestone.objects.create(action=action, **row)
    _check_money(action)
    return action


@transaction.atomic
def action_delete(*, action: PacAction, by: User | None) -> None:
    """Delete an action; its ideas go back to "adopted, not yet in the PAC"."""
    step_write(cycle=action.cycle, step=INTEGRATION_STEP, by=by, start=False)
    action.delete()


# --- The progress rule ---------------------------------------------------------------------------

PROGRESS_RULE = gettext_lazy(
    "Progress = milestones done / milestones planned. A completed action counts 100%; "
    "an action without milestones shows no progress."
)


def progress_percent(status: str, done: int, planned: int) -> int | None:
    """The rule above, from counts: a completed action counts 100 %; otherwise milestones done /
    milestones planned; no figure without milestones."""
    if status == PacAction.Status.COMPLETED:
        return 100
    if not planned:
        return None
    return round(100 * done / planned)


def action_progress(action: PacAction, milestones: Sequence[Milestone] | None = None) -> int | None:
    """Progress in percent by the rule above (``milestones`` prefetched or queried)."""
    if action.status == PacAction.Status.COMPLETED:
        return 100  # whatever its milestones: no need to read them
    rows = list(milestones) if milestones is not None else list(action.milestones.all())
    return progress_percent(action.status, sum(1 for m in rows if m.done), len(rows))


__all__ = [
    "STALE_MESSAGE",
    "StaleRecord",
    "action_create",
    "action_delete",
    "action_progress",
    "progress_percent",
    "action_save",
    "criteria_ensure",
    "criteria_save",
    "cycle_record_save",
    "decisions_save",
    "financing_totals",
    "score_set",
]
