"""The read model of steps 4 (prioritisation) and 5 (the PAC): what these steps hold for cycles.

``prioritisation_summary`` and ``integration_summary`` take a batch of cycles and run one query
each whatever its size (one row per cycle, each figure a correlated subquery). Every figure of
these steps is computed here, once: the tracker, the grid, decision and PAC pages, the PAC annex
and the dossier read it from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from communes.bilingual import bi_text
from communes.models import PlanningCycle
from communes.numbers import money
from communes.selectors import per_cycle, share_of, share_text
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


def _decisions(outcome, *, with_action: bool = False):
    """Per cycle: ideas the council decided ``outcome`` for (those with a PAC action)."""
    decisions = IdeaDecision.objects.filter(outcome=outcome)
    if with_action:
        decisions = decisions.filter(idea__action_link__isnull=False)
    return per_cycle(decisions, Count("pk"), "idea__cycle")


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


def _ideas_with_score_counts():
    """Ideas with how many criteria of their cycle they are scored on, and how many criteria
    their cycle has (two subqueries per idea)."""
    scores = (
        Score.objects.filter(idea=OuterRef("pk"), criterion__cycle=OuterRef("cycle"))
        .order_by()
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    )
    criteria = (
        Criterion.objects.filter(cycle=OuterRef("cycle"))
        .order_by()
        .values("cycle")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return ProjectIdea.objects.annotate(
        n_scores=Coalesce(Subquery(scores), 0), n_criteria=Coalesce(Subquery(criteria), 0)
    ).filter(n_scores__gt=0)


def prioritisation_stats(cycles: Sequence) -> dict[int, Stats]:
    """One query for any number of cycles: a row per cycle, each figure its own subquery."""
    ids = [c.pk for c in cycles]
    stats = {pk: Stats() for pk in ids}
    scored = _ideas_with_score_counts()
    for row in (
        PlanningCycle.objects.filter(pk__in=ids)
        .annotate(
            n_ideas=per_cycle(ProjectIdea.objects.all(), Count("pk")),
            n_criteria=per_cycle(Criterion.objects.all(), Count("pk")),
            n_scored=per_cycle(scored, Count("pk")),
            n_fully_scored=per_cycle(scored.filter(n_scores__gte=F("n_criteria")), Count("pk")),
            has_opinion=Exists(IeecagOpinion.objects.filter(cycle=OuterRef("pk"))),
            has_deliberation=Exists(CouncilDeliberation.objects.filter(cycle=OuterRef("pk"))),
            n_adopted=_decisions(ADOPTED),
            n_postponed=_decisions(IdeaDecision.Outcome.POSTPONED),
            n_rejected=_decisions(IdeaDecision.Outcome.REJECTED),
            n_planned=_decisions(ADOPTED, with_action=True),
        )
        .values()
    ):
        stats[row["id"]] = Stats(
            ideas=row["n_ideas"] or 0,
            criteria=row["n_criteria"] or 0,
            scored=row["n_scored"] or 0,
            fully_scored=row["n_fully_scored"] or 0,
            opinion=row["has_opinion"],
            deliberation=row["has_deliberation"],
            adopted=row["n_adopted"] or 0,
            postponed=row["n_postponed"] or 0,
            rejected=row["n_rejected"] or 0,
            adopted_in_action=row["n_planned"] or 0,
        )
    return stats


def prioritisation_summary(cycles: Sequence) -> dict[int, StepSummary]:
    return {
        pk: StepSummary(
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
        for pk, s in prioritisation_stats(cycles).items()
    }


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
class PacStats:
    adopted: int = 0
    adopted_in_action: int = 0
    actions: int = 0
    with_cost: int = 0
    with_financing: int = 0
    with_lead: int = 0
    with_indicator: int = 0
    cost: Decimal = ZERO
    gender_cost: Decimal = ZERO
    migration_cost: Decimal = ZERO
    first_three_cost: Decimal = ZERO  # the three firm years of the cycle
    financing: Decimal = ZERO
    # Actions with money secured (a financing line committed or received), and by status.
    financed: int = 0
    in_progress: int = 0
    completed: int = 0

    @property
    def gender_share(self) -> Decimal | None:
        """Share of the budget with a gender marker of 1 or 2, in percent (exact)."""
        return share_of(self.gender_cost, self.cost)

    @property
    def migration_share(self) -> Decimal | None:
        """Share of the budget with a migration marker of 1 or 2, in percent (exact)."""
        return share_of(self.migration_cost, self.cost)

    @property
    def financing_share(self) -> Decimal | None:
        return share_of(self.financing, self.cost)

    @property
    def financing_gap(self) -> Decimal:
        return self.cost - self.financing


def integration_stats(cycles: Sequence) -> dict[int, PacStats]:
    """One query for any number of cycles: a row per cycle, each figure its own subquery."""
    ids = [c.pk for c in cycles]
    stats = {pk: PacStats() for pk in ids}
    actions = PacAction.objects.all()
    Status = PacAction.Status  # noqa: N806
    mine = {"action": OuterRef("pk")}
    costs = ActionCost.objects.all()
    on_cycle = "action__cycle"
    for row in (
        PlanningCycle.objects.filter(pk__in=ids)
        .annotate(
            n_adopted=_decisions(ADOPTED),
            n_planned=_decisions(ADOPTED, with_action=True),
            n_actions=per_cycle(actions, Count("pk")),
            n_cost=per_cycle(
                actions.filter(Exists(ActionCost.objects.filter(**mine))), Count("pk")
            ),
            n_financing=per_cycle(
                actions.filter(Exists(Financing.objects.filter(**mine))), Count("pk")
            ),
            n_indicator=per_cycle(
                actions.filter(Exists(Indicator.objects.filter(**mine))), Count("pk")
            ),
            n_lead=per_cycle(actions.exclude(lead_service=""), Count("pk")),
            cost=per_cycle(costs, Sum("amount"), on_cycle),
            gender=per_cycle(costs.filter(action__gender_marker__gte=1), Sum("amount"), on_cycle),
            migration=per_cycle(
                costs.filter(action__migration_marker__gte=1), Sum("amount"), on_cycle
            ),
            first_three=per_cycle(
                costs.filter(year__lte=F("action__cycle__start_year") + 2), Sum("amount"), on_cycle
            ),
            financing=per_cycle(Financing.objects.all(), Sum("amount"), on_cycle),
            n_financed=per_cycle(
                actions.filter(Exists(Financing.objects.filter(status__in=SECURED, **mine))),
                Count("pk"),
            ),
            n_in_progress=per_cycle(actions.filter(status=Status.IN_PROGRESS), Count("pk")),
            n_completed=per_cycle(actions.filter(status=Status.COMPLETED), Count("pk")),
        )
        .values()
    ):
        stats[row["id"]] = PacStats(
            adopted=row["n_adopted"] or 0,
            adopted_in_action=row["n_planned"] or 0,
            actions=row["n_actions"] or 0,
            with_cost=row["n_cost"] or 0,
            with_financing=row["n_financing"] or 0,
            with_indicator=row["n_indicator"] or 0,
            with_lead=row["n_lead"] or 0,
            cost=row["cost"] or ZERO,
            gender_cost=row["gender"] or ZERO,
            migration_cost=row["migration"] or ZERO,
            first_three_cost=row["first_three"] or ZERO,
            financing=row["financing"] or ZERO,
            financed=row["n_financed"] or 0,
            in_progress=row["n_in_progress"] or 0,
            completed=row["n_completed"] or 0,
        )
    return stats


def integration_summary(cycles: Sequence) -> dict[int, StepSummary]:
    result = {}
    for pk, s in integration_stats(cycles).items():
        every = s.actions > 0
        result[pk] = StepSummary(
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
                ChecklistItem(
                    _("Every action has a lead service"), every and s.with_lead == s.actions
                ),
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
                    _("Budget with a gender marker"), s.gender_share, share_text(s.gender_share)
                ),
            ],
            totals=s,
        )
    return result


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


def _marked(field="amount"):
    return {
        "total": Sum(field),
        "gender": Sum(field, filter=Q(action__gender_marker__gte=1)),
        "migration": Sum(field, filter=Q(action__migration_marker__gte=1)),
    }


def _budget(row) -> Budget:
    return Budget(row["total"] or ZERO, row["gender"] or ZERO, row["migration"] or ZERO)


def budgets_by_year(cycles: Sequence) -> dict[int, dict[int, Budget]]:
    """``{cycle.pk: {year: Budget}}``: the cost of the cycles' actions per year, with the
    marked parts, summed by the database (1 query for any number of cycles)."""
    result: dict[int, dict[int, Budget]] = {c.pk: {} for c in cycles}
    for row in (
        ActionCost.objects.filter(action__cycle__in=list(result))
        .values("action__cycle", "year")
        .annotate(**_marked())
        .order_by()
    ):
        result[row["action__cycle"]][row["year"]] = _budget(row)
    return result


def cost_by_year(cycle) -> dict[int, Decimal]:
    """The cost of the cycle's actions per year, summed by the database (1 query)."""
    return {year: b.total for year, b in budgets_by_year([cycle])[cycle.pk].items()}


def financing_by_sources(cycles: Sequence) -> dict[int, list[dict]]:
    """``{cycle.pk: [row per source]}``, sources in code order (1 query for any number of
    cycles): the total, its marked parts (``budget``), the amount in each status
    (``by_status``, ``Financing.Status`` order) and how many actions the source finances."""
    statuses = Financing.Status.values
    result: dict[int, list[dict]] = {c.pk: [] for c in cycles}
    rows = (
        Financing.objects.filter(action__cycle__in=list(result))
        .values("action__cycle", "source")
        .annotate(
            n=Count("action", distinct=True),
            **_marked(),
            **{f"s_{s}": Sum("amount", filter=Q(status=s)) for s in statuses},
        )
        .order_by("action__cycle", "source")
    )
    for row in rows:
        result[row["action__cycle"]].append(
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
        "gender": s.gender_cost,
        "gender_share": s.gender_share,
        "migration": s.migration_cost,
        "migration_share": s.migration_share,
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
        url_name="actions_grid",
        summary=prioritisation_summary,
        annex=prioritisation_annex,
        export=prioritisation_export,
    )
    register_step(
        5,
        url_name="actions_pac",
        summary=integration_summary,
        annex=integration_annex,
        export=integration_export,
    )
