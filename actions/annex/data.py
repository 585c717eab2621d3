"""Everything the PAC annex shows for one cycle, gathered with a fixed number of queries.

``gather_annex(cycle)`` returns plain values (numbers, dates, strings, lazy labels
and French/Arabic pairs), never querysets: the template cannot run a query, and the
same values give the cache its fingerprint (``render.fingerprint``).

Totals are summed by the database (``Sum`` aggregates and the ``with_totals()``
subqueries of ``PacAction``); Python only adds up what the database already
grouped when it must present the same sum another way (none of the totals printed
in the budget section is recomputed in Python).

Queries (whatever the number of sessions, findings, ideas or actions), when the
cycle comes with its commune, province and region (``access.get_cycle_for_user``):
  1 step statuses               2 awareness sessions (count, dates)
  3 attendance by sex           4 trainings (count, dates)
  5 trainees by sex             6 consultation sessions (count, dates)
  7 participants by group/sex   7b participants by sex (all groups)   8 migration profile
  9 findings (+ sector)        10 groups of the findings
 11 criteria                   12 scores summed by idea (actions.scoring.rank_ideas)
 13 ideas (+ sector, decision) 14 IEECAG opinion        15 council deliberation
 16 actions (+ sector, with_totals subqueries)
 17 yearly costs               18 financing lines       19 indicators
 20 target groups              21 SNIA programmes       22 SNMRE objectives
 23 ideas of the actions       24 findings answered by the actions
 25 milestones done/total      26 costs by year         27 financing by source
 28 budget totals and marker shares  29 financing total
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Count, Max, Min, Q, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from actions import models as am
from actions.scoring import criteria_of, rank_ideas
from actions.services import progress_percent
from communes.models import Commune, StepStatus
from communes.numbers import ratio as share
from communes.records import AwarenessSession, SessionAttendance, Sex, Trainee, Training
from communes.steps import all_steps
from diagnostics import models as dm

ZERO = Decimal("0")


class Bi(NamedTuple):
    """A French/Arabic pair; prints the one of the active language (French when no Arabic)."""

    fr: str
    ar: str

    def __str__(self) -> str:
        if (get_language() or "").startswith("ar") and self.ar:
            return self.ar
        return self.fr


def bi_name(obj) -> Bi:
    return Bi(obj.name_fr, obj.name_ar)


def bi_title(obj) -> Bi:
    return Bi(obj.title, obj.title_ar or obj.title)


def label(choices, value):
    """A choice's label, lazily translated: printed in the annex's language, not the request's."""
    try:
        return choices(value).label
    except ValueError:
        return value


@dataclass
class StepSummary:
    number: int
    title: Any
    status: str
    status_label: Any
    first_date: datetime.date | None = None
    last_date: datetime.date | None = None
    figures: list = field(default_factory=list)  # (label, value, kind): int, percent or money


@dataclass
class AnnexData:
    cycle_uuid: str
    commune: dict
    province: Bi
    province_kind: str
    region: Bi
    start_year: int
    end_year: int
    years: list[int]
    deliberation: dict | None
    opinion: dict | None
    steps: list[StepSummary]
    participants_by_group: list[dict]
    participants_total: dict
    migration_profile: list[dict]
    findings_by_sector: list[dict]
    findings_count: int
    criteria: list[dict]
    weights_total: int
    ideas: list[dict]
    ideas_count: int
    actions: list[dict]
    budget: dict

    def as_json(self) -> dict:
        return asdict(self)


def _status_rows(cycle) -> dict[int, StepStatus]:
    return {s.step: s for s in StepStatus.objects.filter(cycle=cycle)}


def gather_annex(cycle) -> AnnexData:
    commune = cycle.commune
    province = commune.province
    region = province.region
    statuses = _status_rows(cycle)

    # --- Step 1: awareness -------------------------------------------------------------------
    aw = AwarenessSession.objects.filter(cycle=cycle).aggregate(
        n=Count("pk"), first=Min("date"), last=Max("date")
    )
    att = SessionAttendance.objects.filter(session__cycle=cycle).aggregate(
        women=Sum("women", default=0), men=Sum("men", default=0)
    )
    # --- Step 2: trainings -------------------------------------------------------------------
    tr = Training.objects.filter(cycle=cycle).aggregate(
        n=Count("pk"), first=Min("start_date"), last=Max("end_date")
    )
    trainees = Trainee.objects.filter(training__cycle=cycle).aggregate(
        n=Count("pk"), women=Count("pk", filter=Q(sex=Sex.WOMAN))
    )
    # --- Step 3: diagnosis -------------------------------------------------------------------
    cs = dm.ConsultationSession.objects.filter(cycle=cycle).aggregate(
        n=Count("pk"), first=Min("date"), last=Max("date")
    )
    by_group = list(
        dm.Participation.objects.filter(session__cycle=cycle)
        .values("group__code", "group__name_fr", "group__name_ar", "group__order")
        .annotate(women=Sum("women"), men=Sum("men"))
        .order_by("group__order", "group__code")
    )
    participants_by_group = [
        {
            "group": Bi(row["group__name_fr"], row["group__name_ar"]),
            "women": row["women"] or 0,
            "men": row["men"] or 0,
            "total": (row["women"] or 0) + (row["men"] or 0),
            "women_share": share(row["women"] or 0, (row["women"] or 0) + (row["men"] or 0)),
        }
        for row in by_group
    ]
    p_all = dm.Participation.objects.filter(session__cycle=cycle).aggregate(
        women=Sum("women", default=0), men=Sum("men", default=0)
    )
    p_women, p_men = p_all["women"], p_all["men"]
    participants_total = {
        "women": p_women,
        "men": p_men,
        "total": p_women + p_men,
        "women_share": share(p_women, p_women + p_men),
    }

    migration_profile = [
        {
            "indicator": label(dm.MigrationFigure.Indicator, f.indicator),
            "label": f.label,
            "total": f.total,
            "women": f.women,
            "men": f.men,
            "source": f.source,
            "year": f.year,
        }
        for f in dm.MigrationFigure.objects.filter(cycle=cycle).order_by("indicator", "-year", "pk")
    ]

    findings = list(
        dm.Finding.objects.filter(cycle=cycle)
        .select_related("sector")
        .prefetch_related("groups")
        .order_by("sector__order", "sector__code", "-severity", "number")
    )
    sectors: dict[str, dict] = {}
    for f in findings:
        sector = sectors.setdefault(f.sector.code, {"sector": bi_name(f.sector), "findings": []})
        sector["findings"].append(
            {
                "code": f.code,
                "title": bi_title(f),
                "description": f.description,
                "severity": f.severity,
                "severity_label": label(dm.Finding.Severity, f.severity),
                "groups": [bi_name(g) for g in f.groups.all()],
                "women_view": f.women_view,
                "men_view": f.men_view,
            }
        )

    # --- Step 4: prioritisation --------------------------------------------------------------
    criteria = criteria_of(cycle)
    ranking = rank_ideas(cycle, criteria)
    ideas = []
    for idea in dm.ProjectIdea.objects.filter(cycle=cycle).select_related("sector", "decision"):
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
                "outcome_label": label(am.IdeaDecision.Outcome, decision.outcome)
                if decision
                else "",
                "reason": decision.reason if decision else "",
            }
        )
    ideas.sort(key=lambda i: (i["rank"] is None, i["rank"] or 0, i["number"]))
    opinion = am.IeecagOpinion.objects.filter(cycle=cycle).first()
    deliberation = am.CouncilDeliberation.objects.filter(cycle=cycle).first()

    # --- Step 5: actions ---------------------------------------------------------------------
    actions = list(
        am.PacAction.objects.filter(cycle=cycle)
        .with_totals()
        .select_related("sector")
        .prefetch_related("costs", "financing", "indicators", "target_groups")
        .prefetch_related("snia_programmes", "snmre_objectives")
        .order_by("number")
    )
    action_ids = [a.pk for a in actions]
    ideas_of: dict[int, list] = {}
    for link in am.ActionIdea.objects.filter(action_id__in=action_ids).select_related("idea"):
        ideas_of.setdefault(link.action_id, []).append(link.idea)
    findings_of: dict[int, dict] = {}
    for row in (
        dm.IdeaFinding.objects.filter(idea__action_link__action_id__in=action_ids)
        .values(
            "idea__action_link__action_id",
            "finding__number",
            "finding__title",
            "finding__title_ar",
        )
        .order_by("finding__number")
    ):
        code = f"{dm.Finding.PREFIX}-{row['finding__number']:02d}"
        findings_of.setdefault(row["idea__action_link__action_id"], {})[code] = Bi(
            row["finding__title"], row["finding__title_ar"] or row["finding__title"]
        )
    milestones = {
        row["action_id"]: row
        for row in am.Milestone.objects.filter(action_id__in=action_ids)
        .values("action_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(done=True)))
        .order_by()
    }

    cost_years = {c.year for a in actions for c in a.costs.all()}
    years = sorted(set(cycle.years) | cost_years)
    action_rows = []
    for a in actions:
        costs = {c.year: c.amount for c in a.costs.all()}
        ms = milestones.get(a.pk) or {"done": 0, "n": 0}
        action_rows.append(
            {
                "code": a.code,
                "title": bi_title(a),
                "axis": a.axis,
                "sector": bi_name(a.sector),
                "competence": a.competence,
                "competence_label": label(am.PacAction.Competence, a.competence),
                "partner_convention": a.partner_convention,
                "snia": [bi_name(p) for p in a.snia_programmes.all()],
                "snmre": [bi_name(o) for o in a.snmre_objectives.all()],
                "objectives": a.objectives,
                "expected_results": a.expected_results,
                "target_groups": [bi_name(g) for g in a.target_groups.all()],
                "beneficiaries_women": a.beneficiaries_women,
                "beneficiaries_men": a.beneficiaries_men,
                "beneficiaries_total": a.beneficiaries_total,
                "location": a.location,
                "partners": a.partners,
                "lead_service": a.lead_service,
                "start_date": a.start_date,
                "end_date": a.end_date,
                "gender_marker": a.gender_marker,
                "migration_marker": a.migration_marker,
                "status": a.status,
                "status_label": label(am.PacAction.Status, a.status),
                "status_reason": a.status_reason,
                # The pages' rule (a completed action counts 100 %), from the counts above.
                "progress": progress_percent(a.status, ms["done"], ms["n"]),
                "milestones_done": ms["done"],
                "milestones": ms["n"],
                "costs": [costs.get(y) for y in years],
                # The years with a cost, for the action's sheet: [(year, amount), ...].
                "year_costs": [(y, costs[y]) for y in years if costs.get(y)],
                "cost_total": a.cost_total,
                "financing_total": a.financing_total,
                "financing": [
                    {
                        "source": label(am.Financing.Source, f.source),
                        "detail": f.detail,
                        "amount": f.amount,
                        "status": label(am.Financing.Status, f.status),
                    }
                    for f in sorted(a.financing.all(), key=lambda f: (f.source, f.pk))
                ],
                "indicators": [
                    {
                        "name": i.name,
                        "unit": i.unit,
                        "baseline": i.baseline,
                        "target": i.target,
                        "by_sex": i.by_sex,
                        "by_migrant_status": i.by_migrant_status,
                        "source": i.source,
                        "frequency": label(am.Indicator.Frequency, i.frequency),
                    }
                    for i in sorted(a.indicators.all(), key=lambda i: i.pk)
                ],
                "ideas": [
                    {"code": i.code, "title": bi_title(i)}
                    for i in sorted(ideas_of.get(a.pk, []), key=lambda i: i.number)
                ],
                "findings": [
                    {"code": code, "title": title}
                    for code, title in sorted(findings_of.get(a.pk, {}).items())
                ],
            }
        )

    # --- Budget (step 5): every total summed by the database ---------------------------------
    costs = am.ActionCost.objects.filter(action__cycle=cycle)
    by_year = dict(
        costs.values("year").annotate(total=Sum("amount")).order_by().values_list("year", "total")
    )
    by_source_rows = list(
        am.Financing.objects.filter(action__cycle=cycle)
        .values("source")
        .annotate(total=Sum("amount"), n=Count("action", distinct=True))
        .order_by("source")
    )
    source_labels = dict(am.Financing.Source.choices)
    totals = costs.aggregate(
        total=Sum("amount", default=ZERO),
        gender=Sum("amount", filter=Q(action__gender_marker__gte=1), default=ZERO),
        migration=Sum("amount", filter=Q(action__migration_marker__gte=1), default=ZERO),
        first_three=Sum("amount", filter=Q(year__lte=cycle.start_year + 2), default=ZERO),
    )
    financing_total = am.Financing.objects.filter(action__cycle=cycle).aggregate(
        total=Sum("amount", default=ZERO)
    )["total"]
    budget = {
        "by_year": [{"year": y, "total": by_year.get(y, ZERO)} for y in years],
        "by_source": [
            {
                "source": source_labels.get(r["source"], r["source"]),
                "code": r["source"],
                "total": r["total"],
                "share": share(r["total"], financing_total),
                "actions": r["n"],
            }
            for r in by_source_rows
        ],
        "total": totals["total"],
        "first_three": totals["first_three"],
        "financing_total": financing_total,
        "financing_gap": totals["total"] - financing_total,
        "financing_surplus": financing_total - totals["total"],
        "gender": totals["gender"],
        "gender_share": share(totals["gender"], totals["total"]),
        "migration": totals["migration"],
        "migration_share": share(totals["migration"], totals["total"]),
    }

    # --- Summary of the five steps -----------------------------------------------------------
    adopted = sum(1 for i in ideas if i["outcome"] == am.IdeaDecision.Outcome.ADOPTED)
    scored = sum(1 for i in ideas if i["score"] is not None)
    aw_total = att["women"] + att["men"]
    figures = {
        1: (
            aw["first"],
            aw["last"],
            [
                (_("Sessions"), aw["n"], "int"),
                (_("Participants"), aw_total, "int"),
                (_("Women among participants"), share(att["women"], aw_total), "percent"),
            ],
        ),
        2: (
            tr["first"],
            tr["last"],
            [
                (_("Trainings"), tr["n"], "int"),
                (_("Trainees"), trainees["n"], "int"),
                (_("Women among trainees"), share(trainees["women"], trainees["n"]), "percent"),
            ],
        ),
        3: (
            cs["first"],
            cs["last"],
            [
                (_("Consultation sessions"), cs["n"], "int"),
                (_("Participants"), participants_total["total"], "int"),
                (
                    _("Women among participants"),
                    share(p_women, participants_total["total"]),
                    "percent",
                ),
                (_("Findings"), len(findings), "int"),
                (_("Project ideas"), len(ideas), "int"),
            ],
        ),
        4: (
            opinion.date if opinion else None,
            deliberation.date if deliberation else None,
            [
                (_("Ideas scored"), scored, "int"),
                (_("Ideas adopted by the council"), adopted, "int"),
            ],
        ),
        5: (
            None,
            None,
            [
                (_("PAC actions"), len(actions), "int"),
                (_("Total cost of the actions"), totals["total"], "money"),
            ],
        ),
    }
    steps = []
    for definition in all_steps():
        status = statuses.get(definition.number)
        code = status.status if status else StepStatus.Status.NOT_STARTED
        first, last, figs = figures[definition.number]
        steps.append(
            StepSummary(
                number=definition.number,
                title=definition.title,
                status=code,
                status_label=StepStatus.Status(code).label,
                first_date=first,
                last_date=last,
                figures=figs,
            )
        )

    weights_total = sum(c.weight for c in criteria)
    return AnnexData(
        cycle_uuid=str(cycle.uuid),
        commune={
            "code": commune.code,
            "name": bi_name(commune),
            "kind": label(Commune.Kind, commune.kind),
            "population": commune.population,
            "population_year": commune.population_year,
        },
        province=bi_name(province),
        province_kind=province.kind,
        region=bi_name(region),
        start_year=cycle.start_year,
        end_year=cycle.end_year,
        years=years,
        deliberation=(
            {
                "session": label(am.CouncilDeliberation.Session, deliberation.session),
                "session_name": deliberation.session_name,
                "date": deliberation.date,
                "number": deliberation.number,
                "decision": deliberation.decision,
            }
            if deliberation
            else None
        ),
        opinion=(
            {
                "date": opinion.date,
                "verdict": label(am.IeecagOpinion.Verdict, opinion.verdict),
                "text": opinion.text,
            }
            if opinion
            else None
        ),
        steps=steps,
        participants_by_group=participants_by_group,
        participants_total=participants_total,
        migration_profile=migration_profile,
        findings_by_sector=list(sectors.values()),
        findings_count=len(findings),
        criteria=[
            {
                "label": label(am.CriterionKind, c.kind),
                "weight": c.weight,
                "saved": c.pk is not None,
            }
            for c in criteria
        ],
        weights_total=weights_total,
        ideas=ideas,
        ideas_count=len(ideas),
        actions=action_rows,
        budget=budget,
    )
