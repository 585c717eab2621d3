"""The read model of steps 4 (prioritisation) and 5 (the PAC): what these steps hold for cycles.

``prioritisation_stats`` and ``integration_stats`` take a batch of cycles and run two and
four queries whatever its size (aggregates grouped by cycle, no subquery correlated to the
cycle: each table is read once however many cycles a report counts). Every figure of
these steps is computed here, once: the tracker, the grid, decision and PAC pages, the PAC annex
and the dossier read it from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from communes.bilingual import bi_text
from communes.models import PlanningCycle
from communes.numbers import money
from communes.selectors import share_of, share_text
from communes.steps import (
    AnnexSection,
    ChecklistItem,
    Figure,
    StepSummary,
    bi_name,
    bi_title,
    choice_label,
)
from diagnostics.models import ProjectIdea

from .models import (
    ActionCost,
    ActionYear,
    ActionYearMoney,
    CouncilDeliberation,
    Criterion,
    CriterionKind,
    Financing,
    IdeaDecision,
    IeecagOpinion,
    Indicator,
    PacAction,
    Score,
)
from .scoring import criteria_of, rank_ideas, weights_total
from .services import action_progress

ZERO = Decimal(0)
ADOPTED = IdeaDecision.Outcome.ADOPTED
# Money an action can count on: committed or received (planned is only asked for).
SECURED = (Financing.Status.COMMITTED, Financing.Status.RECEIVED)


def _decisions(ids) -> dict[int, dict]:
    """Per cycle: its ideas, and those the council adopted, postponed or rejected, and the
    adopted ones that have a PAC action (one query grouped by cycle; the decision and the
    action link are one-to-one with the idea, so the joins multiply nothing)."""
    Outcome = IdeaDecision.Outcome  # noqa: N806
    result = {}
    for row in (
        ProjectIdea.objects.filter(cycle__in=ids)
        .values("cycle")
        .annotate(
            ideas=Count("pk"),
            adopted=Count("pk", filter=Q(decision__outcome=Outcome.ADOPTED)),
            postponed=Count("pk", filter=Q(decision__outcome=Outcome.POSTPONED)),
            rejected=Count("pk", filter=Q(decision__outcome=Outcome.REJECTED)),
            planned=Count(
                "pk", filter=Q(decision__outcome=Outcome.ADOPTED, action_link__isnull=False)
            ),
        )
        .order_by()
    ):
        result[row["cycle"]] = row
    return result


# --- Step 4: prioritisation ----------------------------------------------------------------------


@dataclass
class Stats:
    ideas: int = 0
    criteria: int = 0
    fully_scored: int = 0
    scored: int = 0
    opinion: bool = False
    deliberation: bool = False
    adopted: int = 0
    postponed: int = 0
    rejected: int = 0
    adopted_in_action: int = 0


def prioritisation_stats(cycles: Sequence) -> dict[int, Stats]:
    """Two queries for any number of cycles, no correlated subquery: the cycles with their
    number of criteria, IEECAG opinion and council deliberation (one-to-one); the ideas with
    their decision, action link and how many criteria of their cycle they are scored on (a
    row per idea: "scored on every criterion" compares two counts, which SQL cannot do in
    the same GROUP BY)."""
    ids = [c.pk for c in cycles]
    stats = {pk: Stats() for pk in ids}
    for row in (
        PlanningCycle.objects.filter(pk__in=ids)
        .values("pk", "ieecag_opinion", "council_deliberation")
        .annotate(n_criteria=Count("criteria"))
        .order_by()
    ):
        s = stats[row["pk"]]
        s.criteria = row["n_criteria"]
        s.opinion = row["ieecag_opinion"] is not None
        s.deliberation = row["council_deliberation"] is not None
    Outcome = IdeaDecision.Outcome  # noqa: N806
    counted = {Outcome.ADOPTED: "adopted", Outcome.POSTPONED: "postponed"}
    counted[Outcome.REJECTED] = "rejected"
    for row in (
        ProjectIdea.objects.filter(cycle__in=ids)
        .values("pk", "cycle", "decision__outcome", "action_link")
        .annotate(n_scores=Count("scores", filter=Q(scores__criterion__cycle=F("cycle"))))
        .order_by()
    ):
        s = stats[row["cycle"]]
        s.ideas += 1
        if row["n_scores"]:
            s.scored += 1
            if row["n_scores"] >= s.criteria:
                s.fully_scored += 1
        outcome = counted.get(row["decision__outcome"])
        if outcome:
            setattr(s, outcome, getattr(s, outcome) + 1)
            if outcome == "adopted" and row["action_link"] is not None:
                s.adopted_in_action += 1
    return stats


def prioritisation_summary_of(s) -> StepSummary:
    """The summary of one cycle from its totals (what ``prioritisation_stats`` returns for it)."""
    return StepSummary(
        checklist=[
            ChecklistItem(
                _("Every idea scored on every criterion"),
                s.ideas > 0 and s.criteria > 0 and s.fully_scored == s.ideas,
            ),
            ChecklistItem(_("IEECAG opinion recorded"), s.opinion),
            ChecklistItem(_("Council deliberation recorded"), s.deliberation),
            ChecklistItem(_("At least one idea adopted"), s.adopted > 0),
        ],
        figures=[
            Figure(_("Ideas scored"), s.fully_scored, f"{s.fully_scored} / {s.ideas}"),
            Figure(_("Adopted"), s.adopted, s.adopted),
            Figure(_("Postponed"), s.postponed, s.postponed),
            Figure(_("Rejected"), s.rejected, s.rejected),
        ],
        totals=s,
    )


def prioritisation_annex(cycle, summary: StepSummary) -> AnnexSection:
    """Step 4's part of the annex: criteria, ranked ideas with the decision, opinion and
    deliberation. Queries: criteria (1) + ranking (1) + ideas (1) + opinion (1)
    + deliberation (1)."""
    s = summary.totals
    criteria = criteria_of(cycle)
    ranking = rank_ideas(cycle, criteria)
    ideas = []
    for idea in ProjectIdea.objects.filter(cycle=cycle).select_related("sector", "decision"):
        r = ranking.get(idea.pk)
        decision = getattr(idea, "decision", None)
        ideas.append(
            {
                "code": idea.code,
                "number": idea.number,
                "title": bi_title(idea),
                "sector": bi_name(idea.sector),
                "rank": r.rank,
                "score": r.weighted if r.scored else None,
                "complete": r.complete,
                "outcome": decision.outcome if decision else "",
                "outcome_label": choice_label(IdeaDecision.Outcome, decision.outcome)
                if decision
                else "",
                "reason": bi_text(decision, "reason") if decision else "",
            }
        )
    ideas.sort(key=lambda i: (i["rank"] is None, i["rank"] or 0, i["number"]))
    opinion = IeecagOpinion.objects.filter(cycle=cycle).first()
    deliberation = CouncilDeliberation.objects.filter(cycle=cycle).first()
    return AnnexSection(
        first_date=opinion.date if opinion else None,
        last_date=deliberation.date if deliberation else None,
        figures=[
            (_("Ideas scored"), s.scored, "int"),
            (_("Ideas adopted by the council"), s.adopted, "int"),
        ],
        data={
            "criteria": [
                {
                    "label": choice_label(CriterionKind, c.kind),
                    "weight": c.weight,
                    "saved": c.pk is not None,
                }
                for c in criteria
            ],
            "weights_total": weights_total(criteria),
            "ideas": ideas,
            "ideas_count": len(ideas),
            "deliberation": (
                {
                    "session": choice_label(CouncilDeliberation.Session, deliberation.session),
                    "session_name": bi_text(deliberation, "session_name"),
                    "date": deliberation.date,
                    "number": deliberation.number,
                    "decision": bi_text(deliberation, "decision"),
                }
                if deliberation
                else None
            ),
            "opinion": (
                {
                    "date": opinion.date,
                    "verdict": choice_label(IeecagOpinion.Verdict, opinion.verdict),
                    "text": bi_text(opinion, "text"),
                }
                if opinion
                else None
            ),
        },
    )


# --- Step 5: the PAC -----------------------------------------------------------------------------


@dataclass
class Budget:
    """An amount, and the parts of it on actions with a gender or a migration marker >= 1."""

    total: Decimal = ZERO
    gender: Decimal = ZERO
    migration: Decimal = ZERO

    def add(self, other: Budget) -> None:
        self.total += other.total
        self.gender += other.gender
        self.migration += other.migration

    @property
    def gender_share(self) -> Decimal | None:
        return share_of(self.gender, self.total)

    @property
    def migration_share(self) -> Decimal | None:
        return share_of(self.migration, self.total)


@dataclass
class PacStats:
    adopted: int = 0
    adopted_in_action: int = 0
    actions: int = 0
    with_cost: int = 0
    with_financing: int = 0
    with_lead: int = 0
    with_indicator: int = 0
    # The actions' cost, and its parts on actions with a gender or a migration marker >= 1.
    budget: Budget = field(default_factory=Budget)
    first_three_cost: Decimal = ZERO  # the three firm years of the cycle
    financing: Decimal = ZERO
    # Actions with money secured (a financing line committed or received, or money committed in
    # a year of the follow-up), and by status (the latest year of the follow-up, else its own).
    financed: int = 0
    in_progress: int = 0
    completed: int = 0

    @property
    def cost(self) -> Decimal:
        return self.budget.total

    @property
    def financing_share(self) -> Decimal | None:
        return share_of(self.financing, self.cost)

    @property
    def financing_gap(self) -> Decimal:
        return self.cost - self.financing


def integration_stats(cycles: Sequence) -> dict[int, PacStats]:
    """Four queries for any number of cycles, each grouped by cycle (no correlated subquery
    per cycle): the ideas' decisions, the actions (with whether each has a cost, a financing
    line, money secured, an indicator), their costs, their financing."""
    ids = [c.pk for c in cycles]
    stats = {pk: PacStats() for pk in ids}
    for pk, row in _decisions(ids).items():
        stats[pk].adopted = row["adopted"]
        stats[pk].adopted_in_action = row["planned"]
    Status = PacAction.Status  # noqa: N806
    mine = {"action": OuterRef("pk")}
    # Once the PAC is adopted, what became of an action is recorded year by year (follow-up,
    # actions/followup.py): the latest year recorded says where it stands; the action's own
    # status until a year is recorded. Money committed in a year's follow-up secures it too.
    latest_year = ActionYear.objects.filter(**mine).order_by("-year").values("status")[:1]
    secured = Exists(Financing.objects.filter(status__in=SECURED, **mine)) | Exists(
        ActionYearMoney.objects.filter(record__action=OuterRef("pk"), committed__gt=0)
    )
    for row in (
        PacAction.objects.filter(cycle__in=ids)
        .annotate(state=Coalesce(Subquery(latest_year), F("status")))
        .values("cycle")
        .annotate(
            n=Count("pk"),
            cost=Count("pk", filter=Exists(ActionCost.objects.filter(**mine))),
            financing=Count("pk", filter=Exists(Financing.objects.filter(**mine))),
            indicator=Count("pk", filter=Exists(Indicator.objects.filter(**mine))),
            financed=Count("pk", filter=secured),
            lead=Count("pk", filter=~Q(lead_service="")),
            in_progress=Count("pk", filter=Q(state=Status.IN_PROGRESS)),
            completed=Count("pk", filter=Q(state=Status.COMPLETED)),
        )
        .order_by()
    ):
        s = stats[row["cycle"]]
        s.actions, s.with_cost, s.with_financing = row["n"], row["cost"], row["financing"]
        s.with_indicator, s.with_lead, s.financed = row["indicator"], row["lead"], row["financed"]
        s.in_progress, s.completed = row["in_progress"], row["completed"]
    for row in (
        ActionCost.objects.filter(action__cycle__in=ids)
        .values("action__cycle")
        .annotate(
            **_marked(),
            first_three=Sum("amount", filter=Q(year__lte=F("action__cycle__start_year") + 2)),
        )
        .order_by()
    ):
        s = stats[row["action__cycle"]]
        s.budget = _budget(row)
        s.first_three_cost = row["first_three"] or ZERO
    for row in (
        Financing.objects.filter(action__cycle__in=ids)
        .values("action__cycle")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        stats[row["action__cycle"]].financing = row["total"] or ZERO
    return stats


def integration_summary_of(s) -> StepSummary:
    """The summary of one cycle from its totals (what ``integration_stats`` returns for it)."""
    every = s.actions > 0
    return StepSummary(
        checklist=[
            ChecklistItem(
                _("Every adopted idea has a PAC action"),
                s.adopted > 0 and s.adopted_in_action == s.adopted,
            ),
            ChecklistItem(
                _("Every action has its cost by year"), every and s.with_cost == s.actions
            ),
            ChecklistItem(
                _("Every action has its financing plan"),
                every and s.with_financing == s.actions,
            ),
            ChecklistItem(_("Every action has a lead service"), every and s.with_lead == s.actions),
            ChecklistItem(
                _("Every action has at least one indicator"),
                every and s.with_indicator == s.actions,
            ),
        ],
        figures=[
            Figure(_("PAC actions"), s.actions, s.actions),
            Figure(_("Total cost"), s.cost, money(s.cost)),
            Figure(_("Financing found"), s.financing_share, share_text(s.financing_share)),
            Figure(
                _("Budget with a gender marker"),
                s.budget.gender_share,
                share_text(s.budget.gender_share),
            ),
        ],
        totals=s,
    )


def _marked(field="amount"):
    return {
        "total": Sum(field),
        "gender": Sum(field, filter=Q(action__gender_marker__gte=1)),
        "migration": Sum(field, filter=Q(action__migration_marker__gte=1)),
    }


def _budget(row) -> Budget:
    return Budget(row["total"] or ZERO, row["gender"] or ZERO, row["migration"] or ZERO)


def budgets_by_year(cycles: Sequence, *, by: str = "") -> dict[int, dict[int, Budget]]:
    """``{cycle.pk: {year: Budget}}``: the cost of the cycles' actions per year, with the
    marked parts, summed by the database (1 query for any number of cycles). ``by``, a path
    from the cycle ("commune__province__region"), sums the cycles by that key instead."""
    result: dict[int, dict[int, Budget]] = {c.pk: {} for c in cycles}
    ids = list(result)
    key = f"action__cycle__{by}" if by else "action__cycle"
    if by:
        result = {}
    for row in (
        ActionCost.objects.filter(action__cycle__in=ids)
        .values(key, "year")
        .annotate(**_marked())
        .order_by()
    ):
        result.setdefault(row[key], {})[row["year"]] = _budget(row)
    return result


def cost_by_year(cycle) -> dict[int, Decimal]:
    """The cost of the cycle's actions per year, summed by the database (1 query)."""
    return {year: b.total for year, b in budgets_by_year([cycle])[cycle.pk].items()}


def financing_by_sources(cycles: Sequence, *, by: str = "") -> dict[int, list[dict]]:
    """``{cycle.pk: [row per source]}``, sources in code order (1 query for any number of
    cycles): the total, its marked parts (``budget``), the amount in each status
    (``by_status``, ``Financing.Status`` order) and how many actions the source finances.
    ``by``, a path from the cycle ("commune__province__region"), sums the cycles by that key
    instead."""
    statuses = Financing.Status.values
    result: dict[int, list[dict]] = {c.pk: [] for c in cycles}
    ids = list(result)
    key = f"action__cycle__{by}" if by else "action__cycle"
    if by:
        result = {}
    rows = (
        Financing.objects.filter(action__cycle__in=ids)
        .values(key, "source")
        .annotate(
            n=Count("action", distinct=True),
            **_marked(),
            **{f"s_{s}": Sum("amount", filter=Q(status=s)) for s in statuses},
        )
        .order_by(key, "source")
    )
    for row in rows:
        result.setdefault(row[key], []).append(
            {
                "source": row["source"],
                "total": row["total"],
                "budget": _budget(row),
                "actions": row["n"],
                "by_status": [row[f"s_{s}"] or ZERO for s in statuses],
            }
        )
    return result


def financing_by_source(cycle) -> list[dict]:
    """Financing of one cycle's actions per source (see ``financing_by_sources``; 1 query)."""
    return financing_by_sources([cycle])[cycle.pk]


def action_thread(action) -> dict:
    """The ideas, findings and sessions behind an action (``for_list`` prefetched), each once."""
    ideas = [link.idea for link in action.idea_links.all()]
    findings, sessions = {}, {}
    for idea in ideas:
        for link in idea.finding_links.all():
            findings.setdefault(link.finding.pk, link.finding)
            for session in link.finding.sessions.all():
                sessions.setdefault(session.pk, session)
    return {
        "ideas": ideas,
        "findings": sorted(findings.values(), key=lambda f: f.number),
        "sessions": sorted(sessions.values(), key=lambda s: (s.date, s.pk)),
    }


def integration_annex(cycle, summary: StepSummary) -> AnnexSection:
    """Step 5's part of the annex: the actions (summary and sheets) and the budget.

    Queries: actions ``for_sheet`` (11) + cost by year (1) + financing by source (1); the
    budget's totals and marker shares come from the summary.
    """
    s = summary.totals
    actions = list(PacAction.objects.filter(cycle=cycle).for_sheet().order_by("number"))
    cost_years = {c.year for a in actions for c in a.costs.all()}
    years = sorted(set(cycle.years) | cost_years)
    action_rows = [_annex_action(a, years) for a in actions]
    by_year = cost_by_year(cycle)
    source_labels = dict(Financing.Source.choices)
    budget = {
        "by_year": [{"year": y, "total": by_year.get(y, ZERO)} for y in years],
        "by_source": [
            {
                "source": source_labels.get(r["source"], r["source"]),
                "code": r["source"],
                "total": r["total"],
                "share": share_of(r["total"], s.financing),
                "actions": r["actions"],
            }
            for r in financing_by_source(cycle)
        ],
        "total": s.cost,
        "first_three": s.first_three_cost,
        "financing_total": s.financing,
        "financing_gap": s.financing_gap,
        "financing_surplus": -s.financing_gap,
        "gender": s.budget.gender,
        "gender_share": s.budget.gender_share,
        "migration": s.budget.migration,
        "migration_share": s.budget.migration_share,
    }
    return AnnexSection(
        figures=[
            (_("PAC actions"), s.actions, "int"),
            (_("Total cost of the actions"), s.cost, "money"),
        ],
        data={"years": years, "actions": action_rows, "budget": budget},
    )


def _annex_action(a, years) -> dict:
    costs = {c.year: c.amount for c in a.costs.all()}
    milestones = a.milestones.all()
    thread = action_thread(a)
    findings = {f.code: bi_title(f) for f in thread["findings"]}
    return {
        "code": a.code,
        "title": bi_title(a),
        "axis": bi_text(a, "axis"),
        "sector": bi_name(a.sector),
        "competence": a.competence,
        "competence_label": choice_label(PacAction.Competence, a.competence),
        "partner_convention": bi_text(a, "partner_convention"),
        "snia": [bi_name(p) for p in a.snia_programmes.all()],
        "snmre": [bi_name(o) for o in a.snmre_objectives.all()],
        "objectives": bi_text(a, "objectives"),
        "expected_results": bi_text(a, "expected_results"),
        "target_groups": [bi_name(g) for g in a.target_groups.all()],
        "beneficiaries_women": a.beneficiaries_women,
        "beneficiaries_men": a.beneficiaries_men,
        "beneficiaries_total": a.beneficiaries_total,
        "location": bi_text(a, "location"),
        "partners": bi_text(a, "partners"),
        "lead_service": bi_text(a, "lead_service"),
        "start_date": a.start_date,
        "end_date": a.end_date,
        "gender_marker": a.gender_marker,
        "migration_marker": a.migration_marker,
        "status": a.status,
        "status_label": choice_label(PacAction.Status, a.status),
        "status_reason": a.status_reason,
        # The pages' rule (a completed action counts 100 %), from the prefetched milestones.
        "progress": action_progress(a, milestones),
        "milestones_done": sum(1 for m in milestones if m.done),
        "milestones": len(milestones),
        "costs": [costs.get(y) for y in years],
        # The years with a cost, for the action's sheet: [(year, amount), ...].
        "year_costs": [(y, costs[y]) for y in years if costs.get(y)],
        "cost_total": a.cost_total,
        "financing_total": a.financing_total,
        "financing": [
            {
                "source": choice_label(Financing.Source, f.source),
                "detail": bi_text(f, "detail"),
                "amount": f.amount,
                "status": choice_label(Financing.Status, f.status),
            }
            for f in a.financing.all()
        ],
        "indicators": [
            {
                "name": bi_text(i, "name"),
                "unit": bi_text(i, "unit"),
                "baseline": i.baseline,
                "target": i.target,
                "by_sex": i.by_sex,
                "by_migrant_status": i.by_migrant_status,
                "source": bi_text(i, "source"),
                "frequency": choice_label(Indicator.Frequency, i.frequency),
            }
            for i in a.indicators.all()
        ],
        "ideas": [{"code": i.code, "title": bi_title(i)} for i in thread["ideas"]],
        "findings": [{"code": code, "title": title} for code, title in sorted(findings.items())],
    }


# --- Dossier export ------------------------------------------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def _money(value) -> str | None:
    """Amounts as strings with two decimals, whatever the database returns for a sum."""
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def prioritisation_export(cycle) -> dict:
    criteria = list(Criterion.objects.filter(cycle=cycle).order_by("order", "pk"))
    scores = (
        Score.objects.filter(criterion__cycle=cycle)
        .select_related("idea", "criterion")
        .order_by("idea__number", "criterion__order")
    )
    rows = [
        {"idea": s.idea.code, "criterion": s.criterion.kind, "value": s.value, "reason": s.reason}
        for s in scores
    ]
    codes = {s.idea_id: s.idea.code for s in scores}
    ranking = rank_ideas(cycle, criteria)
    ranked = sorted(
        ((codes[pk], r) for pk, r in ranking.ideas.items()),
        key=lambda item: (item[1].rank, item[0]),
    )
    opinion = IeecagOpinion.objects.filter(cycle=cycle).first()
    deliberation = CouncilDeliberation.objects.filter(cycle=cycle).first()
    decisions = IdeaDecision.objects.filter(idea__cycle=cycle).select_related("idea")
    return {
        "criteria": [{"criterion": c.kind, "weight": c.weight} for c in criteria],
        "scores": rows,
        "ranking": [
            {"idea": code, "weighted_score": str(r.weighted), "rank": r.rank} for code, r in ranked
        ],
        "ieecag_opinion": opinion
        and {
            "date": _iso(opinion.date),
            "verdict": opinion.verdict,
            "text": opinion.text,
            "text_ar": opinion.text_ar,
        },
        "council_deliberation": deliberation
        and {
            "session": deliberation.session,
            "session_name": deliberation.session_name,
            "session_name_ar": deliberation.session_name_ar,
            "date": _iso(deliberation.date),
            "number": deliberation.number,
            "decision": deliberation.decision,
            "decision_ar": deliberation.decision_ar,
        },
        "decisions": [
            {
                "idea": d.idea.code,
                "outcome": d.outcome,
                "reason": d.reason,
                "reason_ar": d.reason_ar,
            }
            for d in sorted(decisions, key=lambda d: d.idea.number)
        ],
    }


def integration_export(cycle) -> list[dict]:
    actions = PacAction.objects.filter(cycle=cycle).for_sheet().order_by("number")
    return [
        {
            "uuid": str(a.uuid),
            "code": a.code,
            "title": a.title,
            "title_ar": a.title_ar,
            "axis": a.axis,
            "axis_ar": a.axis_ar,
            "sector": a.sector.code,
            "competence": a.competence,
            "partner_convention": a.partner_convention,
            "partner_convention_ar": a.partner_convention_ar,
            "snia_programmes": sorted(p.code for p in a.snia_programmes.all()),
            "snmre_objectives": sorted(o.code for o in a.snmre_objectives.all()),
            "objectives": a.objectives,
            "objectives_ar": a.objectives_ar,
            "expected_results": a.expected_results,
            "expected_results_ar": a.expected_results_ar,
            "target_groups": sorted(g.code for g in a.target_groups.all()),
            "beneficiaries_women": a.beneficiaries_women,
            "beneficiaries_men": a.beneficiaries_men,
            "location": a.location,
            "location_ar": a.location_ar,
            "partners": a.partners,
            "partners_ar": a.partners_ar,
            "lead_service": a.lead_service,
            "lead_service_ar": a.lead_service_ar,
            "start_date": _iso(a.start_date),
            "end_date": _iso(a.end_date),
            "gender_marker": a.gender_marker,
            "migration_marker": a.migration_marker,
            "status": a.status,
            "status_reason": a.status_reason,
            "ideas": sorted(link.idea.code for link in a.idea_links.all()),
            "cost_total": _money(a.cost_total),
            "financing_total": _money(a.financing_total),
            "costs": [
                {"year": c.year, "amount": _money(c.amount)}
                for c in sorted(a.costs.all(), key=lambda c: c.year)
            ],
            "financing": [
                {
                    "source": f.source,
                    "detail": f.detail,
                    "detail_ar": f.detail_ar,
                    "amount": _money(f.amount),
                    "status": f.status,
                }
                for f in sorted(a.financing.all(), key=lambda f: (f.source, f.pk))
            ],
            "indicators": [
                {
                    "name": i.name,
                    "name_ar": i.name_ar,
                    "unit": i.unit,
                    "unit_ar": i.unit_ar,
                    "baseline": _money(i.baseline),
                    "target": _money(i.target),
                    "by_sex": i.by_sex,
                    "by_migrant_status": i.by_migrant_status,
                    "source": i.source,
                    "source_ar": i.source_ar,
                    "frequency": i.frequency,
                }
                for i in sorted(a.indicators.all(), key=lambda i: i.pk)
            ],
            "milestones": [
                {"title": m.title, "due_date": _iso(m.due_date), "done": m.done}
                for m in sorted(a.milestones.all(), key=lambda m: m.pk)
            ],
        }
        for a in actions
    ]


def register() -> None:
    """Called from ``ActionsConfig.ready()``."""
    from communes.steps import register_step

    register_step(
        4,
        url_name="actions:grid",
        totals=prioritisation_stats,
        summary_of=prioritisation_summary_of,
        annex=prioritisation_annex,
        export=prioritisation_export,
    )
    register_step(
        5,
        url_name="actions:pac",
        totals=integration_stats,
        summary_of=integration_summary_of,
        annex=integration_annex,
        export=integration_export,
    )
