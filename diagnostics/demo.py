"""Demo diagnosis of the seven pilot communes (idempotent: a commune with sessions is left as is).

The programme's published figure (DOMAIN.md section 1): **22 projects identified**, 12 in the
Oriental (3 a commune, among them the communal reception, orientation and support cell for MRE
and migrants) and 10 in Souss-Massa (Sidi Bibi 4, Aït Amira 3, Belfaa 3). The idea of a
commune's ``not_retained`` was heard in the consultations but not kept as a project: it is not
seeded. Every text has its Arabic version (in the data or ``demo_ar``); the migration profile's
figures are invented and say so ("données fictives" / "بيانات افتراضية"), never credited to a
real source. Step 3 ends validated by the regional coordinator, as it was before the PAC work of
2023.

The data (texts, figures, dates) is in ``demo_pilots.json``: per commune its ``profile``,
``sessions`` (with ``participants``: group code -> [women, men]), ``findings`` and ``ideas``,
each record named by the model's fields; ``key``/``sessions``/``findings`` link the records of
one commune. This module only loads it, in the order of the file (numbers follow it).
"""

from __future__ import annotations

from django.db import transaction

from communes import services as step_services
from communes.demo import demo_data, record_fields
from communes.models import Commune, StepStatus, User
from communes.services import step_mark_in_progress

from . import models as dm
from .demo_ar import FICTITIOUS, ar
from .reference import load_reference_lists

DATA = demo_data(__package__)
# The communal reception cell is an idea in every Oriental commune: its texts are given once, and
# an idea record with ``"cell": true`` takes them.
CELL = DATA["cell"]
CELL_FR = CELL["title"]
COORDINATOR_OF = {"02": "coord.oriental", "09": "coord.souss"}


def _idea_record(record: dict) -> dict:
    if not record.get("cell"):
        return record
    return {**CELL, **{name: value for name, value in record.items() if name != "cell"}}


def _user(username):
    return User.objects.filter(username=username).first()


def _load_commune(commune, data, sectors, groups):
    cycle = commune.cycles.order_by("-start_year").first()
    if cycle is None or dm.ConsultationSession.objects.filter(cycle=cycle).exists():
        return
    editor = _user(f"editor.{commune.code}")
    for figure in data["profile"]:
        # Invented figures: they say so, and no real source is credited with them.
        dm.MigrationFigure.objects.create(
            cycle=cycle,
            label_ar=ar(figure["label"]),
            source=FICTITIOUS[0],
            source_ar=FICTITIOUS[1],
            **figure,
        )
    sessions = {}
    for record in data["sessions"]:
        fields, key, people = record_fields(record, "key", "participants")
        session = dm.ConsultationSession.objects.create(cycle=cycle, **fields)
        for code, (women, men) in people.items():
            if women or men:
                dm.Participation.objects.create(
                    session=session, group=groups[code], women=women, men=men
                )
        sessions[key] = session
    findings = {}
    for number, record in enumerate(data["findings"], start=1):
        fields, key, sector, codes, heard = record_fields(
            record, "key", "sector", "groups", "sessions"
        )
        finding = dm.Finding.objects.create(
            cycle=cycle,
            number=number,
            sector=sectors[sector],
            women_view_ar=ar(fields["women_view"]),
            men_view_ar=ar(fields["men_view"]),
            **fields,
        )
        finding.groups.set([groups[c] for c in codes])
        finding.sessions.set([sessions[k] for k in heard])
        findings[key] = finding
    ideas = [_idea_record(i) for i in data["ideas"]]
    ideas = [i for i in ideas if i["title"] != data["not_retained"]]
    for number, record in enumerate(ideas, start=1):
        fields, sector, codes, answers = record_fields(
            record, "sector", "target_groups", "findings"
        )
        idea = dm.ProjectIdea.objects.create(
            cycle=cycle, number=number, sector=sectors[sector], **fields
        )
        idea.target_groups.set([groups[c] for c in codes])
        for key in answers:
            dm.IdeaFinding.objects.create(idea=idea, finding=findings[key])
    step_mark_in_progress(cycle=cycle, step=dm.STEP, by=editor)
    status = StepStatus.objects.get(cycle=cycle, step=dm.STEP)
    if status.status in {StepStatus.Status.NOT_STARTED, StepStatus.Status.IN_PROGRESS}:
        step_services.step_submit(cycle=cycle, step=dm.STEP, by=editor)
        coordinator = _user(COORDINATOR_OF.get(commune.province.region.code, ""))
        step_services.step_review(
            cycle=cycle,
            step=dm.STEP,
            by=coordinator,
            validate=True,
            comment="Diagnostic complet, constats bien différenciés femmes/hommes.",
        )


@transaction.atomic
def load() -> list:
    load_reference_lists(dm.Sector, dm.TargetGroup)
    sectors = {s.code: s for s in dm.Sector.objects.all()}
    groups = {g.code: g for g in dm.TargetGroup.objects.all()}
    for code, data in DATA["communes"].items():
        commune = Commune.objects.with_territory().filter(code=code).first()
        if commune is not None:
            _load_commune(commune, data, sectors, groups)
    return []
