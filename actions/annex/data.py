"""Everything the PAC annex shows for one cycle, assembled from the steps' sections.

``gather_annex(cycle)`` returns plain values (numbers, dates, strings, lazy labels
and French/Arabic pairs), never querysets: the template cannot run a query, and the
same values give the cache its fingerprint (``render.fingerprint``).

The annex does not read the steps' records itself: each step registers an ``annex(cycle,
summary)`` hook (``communes.steps``) in its app's ``selectors.py`` that returns its line in
the summary of the five steps and the fields of ``AnnexData`` it fills in; the figures come
from the step's ``summary`` (the same numbers the tracker and the step pages show). Totals
are summed by the database; Python only adds up what the database already grouped when it
must present the same sum another way.

Queries (whatever the number of sessions, findings, ideas or actions), when the
cycle comes with its commune, province and region (``access.get_cycle_for_user``):
  1 step statuses
  2 step 1 summary                                   3 step 2 summary
  4 step 3 summary (+2: sessions, ideas, findings grouped by cycle)
                          5 participants by group    6 migration profile
  7 findings (+ sector)   8 groups of the findings
  9 step 4 summary (+1: cycles, ideas)
                        10 criteria                11 scores summed by idea (rank_ideas)
 12 ideas (+ sector, decision)                      13 IEECAG opinion   14 council deliberation
 15 step 5 summary (+3: decisions, actions, costs, financing grouped by cycle)
 16-26 actions ``PacAction.objects.for_sheet()`` (with totals and sector; yearly costs,
       milestones, ideas, their findings, the findings' sessions, SNIA programmes, SNMRE
       objectives, target groups, financing lines, indicators)
 27 costs by year       28 financing by source
 29 has the PAC an adoption deliberation (draft for an adoption or an update)
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any

from communes.bilingual import BiText
from communes.models import Commune, StepStatus
from communes.steps import AnnexSection, Bi, all_steps, bi_name, choice_label
from communes.tracker import step_summary


@dataclass
class AnnexStep:
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
    steps: list[AnnexStep]
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
    # Its legal standing: a draft (for an adoption or an update) or a deliberation's version
    # (``actions.adoption.legal_data``).
    legal: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return asdict(self)


def gather_annex(cycle) -> AnnexData:
    from actions.adoption import legal_data

    commune = cycle.commune
    province = commune.province
    region = province.region
    statuses = {s.step: s for s in StepStatus.objects.filter(cycle=cycle)}
    steps, sections = [], {}
    for definition in all_steps():
        summary = step_summary(cycle, definition.number)
        section = definition.annex(cycle, summary) if definition.annex else AnnexSection()
        sections.update(section.data)
        status = statuses.get(definition.number)
        code = status.status if status else StepStatus.Status.NOT_STARTED
        steps.append(
            AnnexStep(
                number=definition.number,
                title=definition.title,
                status=code,
                status_label=StepStatus.Status(code).label,
                first_date=section.first_date,
                last_date=section.last_date,
                figures=section.figures,
            )
        )
    return AnnexData(
        cycle_uuid=str(cycle.uuid),
        commune={
            "code": commune.code,
            "name": bi_name(commune),
            "name_zgh": commune.name_zgh,
            "kind": choice_label(Commune.Kind, commune.kind),
            "population": commune.population,
            "population_year": commune.population_year,
        },
        province=bi_name(province),
        province_kind=province.kind,
        region=bi_name(region),
        start_year=cycle.start_year,
        end_year=cycle.end_year,
        steps=steps,
        legal=legal_data(None, cycle),
        **sections,
    )


def _labels() -> dict:
    from django.utils.translation import gettext_lazy as _

    return {
        "title": _("Title"),
        "axis": _("PAC axis"),
        "objectives": _("Objectives"),
        "expected_results": _("Expected results"),
        "partner_convention": _("Partner and convention"),
        "partners": _("Partners"),
        "lead_service": _("Lead service"),
        "location": _("Location"),
        "unit": _("Unit"),
        "detail": _("Financing plan (MAD)"),
        "name": _("Indicator"),
        "source": _("Source"),
        "label": _("Migration profile of the commune"),
        "description": _("Summary"),
        "women_view": _("What women said"),
        "men_view": _("What men said"),
        "reason": _("Reason"),
        "text": _("Opinion of the IEECAG"),
        "decision": _("Council deliberation"),
        "session_name": _("Name of the session"),
    }


def missing_translations(data: AnnexData, language: str) -> list[str]:
    """Where the ``language`` annex prints a text in the other language ("A-03 · PAC axis"),
    in the order of the annex: the commune completes them before it downloads."""
    labels = _labels()
    found: list[str] = []

    def walk(value, where: str, key: str) -> None:
        if isinstance(value, BiText):
            if value.missing_in(language):
                label = str(labels.get(key, key))
                found.append(f"{where} · {label}" if where else label)
        elif isinstance(value, dict):
            here = value.get("code") if isinstance(value.get("code"), str) else where
            for name, item in value.items():
                walk(item, here, name)
        elif isinstance(value, list):
            for item in value:
                walk(item, where, key)

    walk(data.migration_profile, "", "")
    walk(data.findings_by_sector, "", "")
    walk(data.ideas, "", "")
    walk(data.opinion or {}, "", "")
    walk(data.deliberation or {}, "", "")
    walk(data.actions, "", "")
    return found
