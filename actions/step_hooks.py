"""What the step tracker needs from steps 4 and 5: checklists, figures and the dossier export.

``checklist`` and ``figures`` take a batch of cycles and run a fixed number of queries
whatever its size (aggregates grouped by cycle, subqueries, never a query per cycle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from communes.models import PlanningCycle
from communes.numbers import money, percent
from communes.steps import ChecklistItem
from diagnostics.models import ProjectIdea

from .models import (
    ActionCost,
    CouncilDeliberation,
    Criterion,
    Financing,
    IdeaDecision,
    IeecagOpinion,
    Indicator,
    PacAction,
    Score,
)
from .scoring import competition_ranks, weighted_score


def _count(queryset, field="cycle"):
    """A correlated COUNT subquery of ``queryset`` rows belonging to the outer cycle."""
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("pk")})
            .values(field)
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


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
    """Three queries for any number of cycles."""
    ids = [c.pk for c in cycles]
    stats = {pk: Stats() for pk in ids}
    for pk, ideas, criteria, opinion, deliberation in (
        PlanningCycle.objects.filter(pk__in=ids)
        .annotate(
            n_ideas=_count(ProjectIdea.objects.all()),
            n_criteria=_count(Criterion.objects.all()),
            has_opinion=Exists(IeecagOpinion.objects.filter(cycle=OuterRef("pk"))),
            has_deliberation=Exists(CouncilDeliberation.objects.filter(cycle=OuterRef("pk"))),
        )
        .values_list("pk", "n_ideas", "n_criteria", "has_opinion", "has_deliberation")
    ):
        s = stats[pk]
        s.ideas, s.criteria, s.opinion, s.deliberation = ideas, criteria, opinion, deliberation
    for cycle_id, n in (
        Score.objects.filter(criterion__cycle__in=ids)
        .values("criterion__cycle", "idea")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("criterion__cycle", "n")
    ):
        s = stats[cycle_id]
        s.scored += 1
        if n >= s.criteria:
            s.fully_scored += 1
    for row in (
        IdeaDecision.objects.filter(idea__cycle__in=ids)
        .values("idea__cycle", "outcome")
        .annotate(n=Count("pk"), planned=Count("pk", filter=Q(idea__action_link__isnull=False)))
        .order_by()
    ):
        s = stats[row["idea__cycle"]]
        setattr(s, row["outcome"], row["n"])
        if row["outcome"] == IdeaDecision.Outcome.ADOPTED:
            s.adopted_in_action = row["planned"]
    return stats


def prioritisation_checklist(cycles: Sequence) -> dict[int, list[ChecklistItem]]:
    return {
        pk: [
            ChecklistItem(
                _("Every idea scored on every criterion"),
                s.ideas > 0 and s.criteria > 0 and s.fully_scored == s.ideas,
            ),
            ChecklistItem(_("IEECAG opinion recorded"), s.opinion),
            ChecklistItem(_("Council deliberation recorded"), s.deliberation),
            ChecklistItem(_("At least one idea adopted"), s.adopted > 0),
        ]
        for pk, s in prioritisation_stats(cycles).items()
    }


def prioritisation_figures(cycles: Sequence) -> dict[int, list[tuple[str, object]]]:
    return {
        pk: [
            (_("Ideas scored"), f"{s.fully_scored} / {s.ideas}"),
            (_("Adopted"), s.adopted),
            (_("Postponed"), s.postponed),
            (_("Rejected"), s.rejected),
        ]
        for pk, s in prioritisation_stats(cycles).items()
    }


@dataclass
class PacStats:
    adopted: int = 0
    adopted_in_action: int = 0
    actions: int = 0
    with_cost: int = 0
    with_financing: int = 0
    with_lead: int = 0
    with_indicator: int = 0
    cost: Decimal = Decimal(0)
    gender_cost: Decimal = Decimal(0)
    financing: Decimal = Decimal(0)


def integration_stats(cycles: Sequence, *, money: bool = False) -> dict[int, PacStats]:
    """Two queries for any number of cycles (four with ``money``)."""
    ids = [c.pk for c in cycles]
    stats = {pk: PacStats() for pk in ids}
    for row in (
        IdeaDecision.objects.filter(idea__cycle__in=ids, outcome=IdeaDecision.Outcome.ADOPTED)
        .values("idea__cycle")
        .annotate(n=Count("pk"), planned=Count("pk", filter=Q(idea__action_link__isnull=False)))
        .order_by()
    ):
        stats[row["idea__cycle"]].adopted = row["n"]
        stats[row["idea__cycle"]].adopted_in_action = row["planned"]
    mine = {"action": OuterRef("pk")}
    for row in (
        PacAction.objects.filter(cycle__in=ids)
        .annotate(
            has_cost=Exists(ActionCost.objects.filter(**mine)),
            has_financing=Exists(Financing.objects.filter(**mine)),
            has_indicator=Exists(Indicator.objects.filter(**mine)),
        )
        .values("cycle")
        .annotate(
            n=Count("pk"),
            cost=Count("pk", filter=Q(has_cost=True)),
            financing=Count("pk", filter=Q(has_financing=True)),
            indicator=Count("pk", filter=Q(has_indicator=True)),
            lead=Count("pk", filter=~Q(lead_service="")),
        )
        .order_by()
    ):
        s = stats[row["cycle"]]
        s.actions, s.with_cost, s.with_financing = row["n"], row["cost"], row["financing"]
        s.with_indicator, s.with_lead = row["indicator"], row["lead"]
    if money:
        for row in (
            ActionCost.objects.filter(action__cycle__in=ids)
            .values("action__cycle")
            .annotate(
                total=Sum("amount"), gender=Sum("amount", filter=Q(action__gender_marker__gte=1))
            )
            .order_by()
        ):
            stats[row["action__cycle"]].cost = row["total"] or Decimal(0)
            stats[row["action__cycle"]].gender_cost = row["gender"] or Decimal(0)
        for cycle_id, total in (
            Financing.objects.filter(action__cycle__in=ids)
            .values("action__cycle")
            .annotate(total=Sum("amount"))
            .order_by()
            .values_list("action__cycle", "total")
        ):
            stats[cycle_id].financing = total or Decimal(0)
    return stats


def integration_checklist(cycles: Sequence) -> dict[int, list[ChecklistItem]]:
    result = {}
    for pk, s in integration_stats(cycles).items():
        every = s.actions > 0
        result[pk] = [
            ChecklistItem(
                _("Every adopted idea has a PAC action"),
                s.adopted > 0 and s.adopted_in_action == s.adopted,
            ),
            ChecklistItem(
                _("Every action has its cost by year"), every and s.with_cost == s.actions
            ),
            ChecklistItem(
                _("Every action has its financing plan"), every and s.with_financing == s.actions
            ),
            ChecklistItem(_("Every action has a lead service"), every and s.with_lead == s.actions),
            ChecklistItem(
                _("Every action has at least one indicator"),
                every and s.with_indicator == s.actions,
            ),
        ]
    return result


def integration_figures(cycles: Sequence) -> dict[int, list[tuple[str, object]]]:
    return {
        pk: [
            (_("PAC actions"), s.actions),
            (_("Total cost"), money(s.cost)),
            (_("Financing found"), percent(s.financing, s.cost)),
            (_("Budget with a gender marker"), percent(s.gender_cost, s.cost)),
        ]
        for pk, s in integration_stats(cycles, money=True).items()
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
    points: dict[str, int] = {}
    rows = []
    for s in scores:
        points[s.idea.code] = points.get(s.idea.code, 0) + s.value * s.criterion.weight
        rows.append(
            {
                "idea": s.idea.code,
                "criterion": s.criterion.kind,
                "value": s.value,
                "reason": s.reason,
            }
        )
    ranks = competition_ranks(points)
    opinion = IeecagOpinion.objects.filter(cycle=cycle).first()
    deliberation = CouncilDeliberation.objects.filter(cycle=cycle).first()
    decisions = IdeaDecision.objects.filter(idea__cycle=cycle).select_related("idea")
    return {
        "criteria": [{"criterion": c.kind, "weight": c.weight} for c in criteria],
        "scores": rows,
        "ranking": [
            {"idea": code, "weighted_score": str(weighted_score(p)), "rank": ranks[code]}
            for code, p in sorted(points.items(), key=lambda item: (ranks[item[0]], item[0]))
        ],
        "ieecag_opinion": opinion
        and {"date": _iso(opinion.date), "verdict": opinion.verdict, "text": opinion.text},
        "council_deliberation": deliberation
        and {
            "session": deliberation.session,
            "session_name": deliberation.session_name,
            "date": _iso(deliberation.date),
            "number": deliberation.number,
            "decision": deliberation.decision,
        },
        "decisions": [
            {"idea": d.idea.code, "outcome": d.outcome, "reason": d.reason}
            for d in sorted(decisions, key=lambda d: d.idea.number)
        ],
    }


def integration_export(cycle) -> list[dict]:
    actions = (
        PacAction.objects.filter(cycle=cycle)
        .with_totals()
        .select_related("sector")
        .prefetch_related(
            "snia_programmes",
            "snmre_objectives",
            "target_groups",
            "idea_links__idea",
            "costs",
            "financing",
            "indicators",
            "milestones",
        )
        .order_by("number")
    )
    return [
        {
            "uuid": str(a.uuid),
            "code": a.code,
            "title": a.title,
            "title_ar": a.title_ar,
            "axis": a.axis,
            "sector": a.sector.code,
            "competence": a.competence,
            "partner_convention": a.partner_convention,
            "snia_programmes": sorted(p.code for p in a.snia_programmes.all()),
            "snmre_objectives": sorted(o.code for o in a.snmre_objectives.all()),
            "objectives": a.objectives,
            "expected_results": a.expected_results,
            "target_groups": sorted(g.code for g in a.target_groups.all()),
            "beneficiaries_women": a.beneficiaries_women,
            "beneficiaries_men": a.beneficiaries_men,
            "location": a.location,
            "partners": a.partners,
            "lead_service": a.lead_service,
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
                    "amount": _money(f.amount),
                    "status": f.status,
                }
                for f in sorted(a.financing.all(), key=lambda f: (f.source, f.pk))
            ],
            "indicators": [
                {
                    "name": i.name,
                    "unit": i.unit,
                    "baseline": _money(i.baseline),
                    "target": _money(i.target),
                    "by_sex": i.by_sex,
                    "by_migrant_status": i.by_migrant_status,
                    "source": i.source,
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
        checklist=prioritisation_checklist,
        figures=prioritisation_figures,
        export=prioritisation_export,
    )
    register_step(
        5,
        url_name="actions_pac",
        checklist=integration_checklist,
        figures=integration_figures,
        export=integration_export,
    )
