"""The country for `make bench`: 1,503 communes, each with a PAC period and a full set of
step records in realistic volumes, written with ``bulk_create``.

Per commune (the volumes the reporting issue describes): a PAC cycle 2022-2027 and its five
step statuses; 3 awareness sessions with their attendance by audience (3 categories each);
a two-day training with 20 trainees; 4 consultation sessions with participants counted by
group (3 groups each); 7 findings linked to the sessions and groups they came from; 4 project
ideas answering them, scored on the 7 criteria, with the council's decision (3 adopted, one
postponed), the IEECAG opinion and the deliberation; 3 PAC actions (one per adopted idea)
with 3 yearly costs, 3 financing lines (PRIM on every other action), 2 indicators and
2 milestones each.

What it does NOT write, on purpose: history rows (django-simple-history records saves, not
bulk inserts), step events, number counters (``next_number`` reads the live maximum, so a
record added later still gets the next number) and attachments. Signals do not fire either:
no annex build is queued for the seeded cycles.

The same code seeds a small country in the tests (``seed(communes=12)``), which check the
volumes per commune, so the generator cannot drift from what the bench claims.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

# Communes per region (2015 regionalisation: 1,503 in all) and prefectures/provinces per region.
REGIONS = {
    "01": (146, 8),
    "02": (124, 8),
    "03": (194, 9),
    "04": (114, 7),
    "05": (135, 5),
    "06": (153, 9),
    "07": (251, 8),
    "08": (125, 5),
    "09": (175, 6),
    "10": (53, 4),
    "11": (20, 4),
    "12": (13, 2),
}
COUNTRY = sum(n for n, _provinces in REGIONS.values())  # 1,503

# Records per commune, as written below (the seed test checks them).
PER_COMMUNE = {
    "cycles": 1,
    "step_statuses": 5,
    "awareness_sessions": 3,
    "attendance_rows": 9,
    "trainings": 1,
    "trainees": 20,
    "consultation_sessions": 4,
    "participations": 12,
    "findings": 7,
    "finding_sessions": 7,
    "finding_groups": 7,
    "ideas": 4,
    "idea_findings": 7,
    "idea_groups": 4,
    "criteria": 7,
    "scores": 28,
    "decisions": 4,
    "ieecag_opinions": 1,
    "deliberations": 1,
    "pac_actions": 3,
    "action_ideas": 3,
    "action_costs": 9,
    "financing_lines": 9,
    "indicators": 6,
    "milestones": 6,
    "action_snia": 3,
}
BATCH = 250  # communes written per round: bounded memory, few round trips

START = 2022
SEVERITIES = (1, 2, 2, 3, 3, 2, 1)
STATUS_LADDER = ("validated", "validated", "submitted", "in_progress", "not_started")


@dataclass
class Seeded:
    communes: int = 0
    rows: dict = field(default_factory=lambda: dict.fromkeys(PER_COMMUNE, 0))

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _provinces():
    """Enough prefectures/provinces in every region: the migrations ship two regions' worth."""
    from communes.models import Province, Region

    provinces = {}
    for region in Region.objects.all():
        wanted = REGIONS.get(region.code, (0, 1))[1]
        existing = list(region.provinces.order_by("code"))
        missing = [
            Province(
                code=f"bench-{region.code}-{n}",
                region=region,
                name_fr=f"Province {region.code}-{n}",
                name_ar=f"إقليم {region.code}-{n}",
            )
            for n in range(len(existing) + 1, wanted + 1)
        ]
        provinces[region.code] = existing + Province.objects.bulk_create(missing)
    return provinces


def _new_communes(total: int):
    """Communes to add so that the country holds ``total``, spread like the real regions."""
    from communes.models import Commune

    have = Commune.objects.count()
    wanted = max(total - have, 0)
    if not wanted:
        return []
    provinces = _provinces()
    shares = {code: n * wanted / COUNTRY for code, (n, _p) in REGIONS.items() if code in provinces}
    counts = {code: int(share) for code, share in shares.items()}
    # Largest remainders first, so the counts add up to ``wanted`` exactly.
    for code in sorted(shares, key=lambda c: counts[c] - shares[c])[
        : wanted - sum(counts.values())
    ]:
        counts[code] += 1
    rows = []
    for code, n in counts.items():
        for i in range(n):
            rows.append(
                Commune(
                    code=f"bench-{code}-{i + 1:03d}",
                    province=provinces[code][i % len(provinces[code])],
                    kind="urban" if i % 7 == 0 else "rural",
                    name_fr=f"Commune {code}-{i + 1:03d}",
                    name_ar=f"جماعة {code}-{i + 1:03d}",
                    population=5_000 + (i * 7919) % 60_000,
                    population_year=2024,
                )
            )
    return Commune.objects.bulk_create(rows)


def seed(communes: int = COUNTRY, *, with_records_for_existing: bool = False) -> Seeded:
    """Fill the territory up to ``communes`` communes, each with a full PAC cycle.

    Communes shipped by the migrations keep their own data unless ``with_records_for_existing``
    (they get no cycle here, so the demo and tests keep theirs). Returns the rows written.
    """
    from communes.models import Commune

    done = Seeded()
    with transaction.atomic():
        created = _new_communes(communes)
    targets = list(created)
    if with_records_for_existing:
        targets += list(
            Commune.objects.filter(cycles__isnull=True).exclude(pk__in=[c.pk for c in created])
        )
    for start in range(0, len(targets), BATCH):
        with transaction.atomic():
            _records(targets[start : start + BATCH], done)
    done.communes = len(targets)
    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum keeps them in production after such a load.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return done


def _records(communes, done: Seeded) -> None:  # noqa: C901, PLR0915 (one straight recipe)
    from actions import models as am
    from communes.models import PlanningCycle, StepStatus
    from communes.records import AwarenessSession, SessionAttendance, Trainee, Training
    from diagnostics import models as dm

    rng = random.Random(communes[0].pk)  # noqa: S311 (the same data for the same communes)
    sectors = list(dm.Sector.objects.order_by("code"))
    grid = list(dm.TargetGroup.objects.filter(in_consultation_grid=True).order_by("code"))
    snia = list(am.SniaProgramme.objects.order_by("code"))
    count = done.rows

    def write(key, model, objs):
        written = model.objects.bulk_create(objs, batch_size=2000)
        count[key] += len(written)
        return written

    def links(key, through, objs):
        through.objects.bulk_create(objs, batch_size=2000)
        count[key] += len(objs)

    def spread(key, m2m, records, choices):
        """Link the k-th of ``records`` to ``choices[k % len(choices)]`` through the
        many-to-many ``m2m`` (e.g. ``dm.Finding.groups``)."""
        through, field = m2m.through, m2m.field
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        rows = [
            through(**{source: record, target: choices[k % len(choices)]})
            for k, record in enumerate(records)
        ]
        links(key, through, rows)

    cycles = write(
        "cycles",
        PlanningCycle,
        [PlanningCycle(commune=c, start_year=START, end_year=START + 5) for c in communes],
    )
    now = datetime.datetime.now(datetime.UTC)
    write(
        "step_statuses",
        StepStatus,
        [
            StepStatus(
                cycle=cycle,
                step=step,
                status=STATUS_LADDER[(step - 1 + n) % 5] if n % 4 else "validated",
                changed_at=now,
            )
            for n, cycle in enumerate(cycles)
            for step in range(1, 6)
        ],
    )

    # Step 1: awareness sessions and their attendance.
    sessions = write(
        "awareness_sessions",
        AwarenessSession,
        [
            AwarenessSession(
                cycle=cycle,
                date=datetime.date(START, 9, 5 + 7 * k),
                place="Salle des délibérations",
                format=("meeting", "workshop", "field_visit")[k],
                facilitator="Équipe PRIM",
                topics=[["gender", "migration"], ["snia", "pac_law"], ["ieecag"]][k],
            )
            for cycle in cycles
            for k in range(3)
        ],
    )
    write(
        "attendance_rows",
        SessionAttendance,
        [
            SessionAttendance(
                session=s, category=category, women=rng.randint(1, 12), men=rng.randint(1, 12)
            )
            for s in sessions
            for category in ("elected", "staff", "civil_society")
        ],
    )

    # Step 2: a two-day training and its 20 trainees.
    trainings = write(
        "trainings",
        Training,
        [
            Training(
                cycle=cycle,
                title="Genre et migration dans le PAC",
                start_date=datetime.date(START, 10, 25),
                end_date=datetime.date(START, 10, 26),
                days=2,
                trainer="Expertise France",
                place="Chef-lieu de la province",
            )
            for cycle in cycles
        ],
    )
    trainees = []
    for t in trainings:
        for k in range(20):
            pre = rng.randint(20, 70)
            trainees.append(
                Trainee(
                    training=t,
                    name=f"Stagiaire {t.pk}-{k + 1}",
                    sex="f" if k % 5 < 2 else "m",
                    service=("Élu", "Agent communal", "Service déconcentré", "Association")[k % 4],
                    days_attended=2 if k % 6 else 1,
                    pre_score=pre,
                    post_score=min(100, pre + rng.randint(5, 30)),
                )
            )
    write("trainees", Trainee, trainees)

    # Step 3: consultations, participants, findings, ideas.
    consultations = write(
        "consultation_sessions",
        dm.ConsultationSession,
        [
            dm.ConsultationSession(
                cycle=cycle,
                kind=("workshop", "focus_group", "public_meeting", "interview")[k],
                date=datetime.date(START, 11, 3 + 6 * k),
                title=f"Consultation {k + 1}",
                place=("Centre", "Douar Ouled Ali", "Maison de jeunes", "Siège")[k],
                languages=["darija"],
            )
            for cycle in cycles
            for k in range(4)
        ],
    )
    write(
        "participations",
        dm.Participation,
        [
            dm.Participation(
                session=s,
                group=grid[(i + g * 3) % len(grid)],
                women=rng.randint(2, 25),
                men=rng.randint(2, 25),
            )
            for i, s in enumerate(consultations)
            for g in range(3)
        ],
    )
    by_cycle = {}
    for s in consultations:
        by_cycle.setdefault(s.cycle_id, []).append(s)
    findings = write(
        "findings",
        dm.Finding,
        [
            dm.Finding(
                cycle=cycle,
                number=k + 1,
                title=f"Besoin relevé {k + 1}",
                sector=sectors[(k + n) % len(sectors)],
                severity=SEVERITIES[k],
                women_view="Horaires et garde d'enfants" if k % 2 else "",
            )
            for n, cycle in enumerate(cycles)
            for k in range(7)
        ],
    )
    links(
        "finding_sessions",
        dm.Finding.sessions.through,
        [
            dm.Finding.sessions.through(finding=f, consultationsession=by_cycle[f.cycle_id][k % 4])
            for k, f in enumerate(findings)
        ],
    )
    spread("finding_groups", dm.Finding.groups, findings, grid)
    ideas = write(
        "ideas",
        dm.ProjectIdea,
        [
            dm.ProjectIdea(
                cycle=cycle,
                number=k + 1,
                title=f"Idée de projet {k + 1}",
                sector=sectors[(k * 2 + n) % len(sectors)],
                beneficiaries_women=rng.randint(20, 300),
                beneficiaries_men=rng.randint(20, 300),
            )
            for n, cycle in enumerate(cycles)
            for k in range(4)
        ],
    )
    findings_of = {}
    for f in findings:
        findings_of.setdefault(f.cycle_id, []).append(f)
    idea_findings = []
    for idea in ideas:
        own = findings_of[idea.cycle_id]
        # Ideas 1-3 answer two findings each, idea 4 one: 7 links, every finding used.
        picked = own[(idea.number - 1) * 2 : (idea.number - 1) * 2 + 2]
        idea_findings += [dm.IdeaFinding(idea=idea, finding=f) for f in picked]
    links("idea_findings", dm.IdeaFinding, idea_findings)
    spread("idea_groups", dm.ProjectIdea.target_groups, ideas, grid)

    # Step 4: criteria, scores, opinion, deliberation, decisions (ideas 1-3 adopted).
    criteria = write(
        "criteria",
        am.Criterion,
        [
            am.Criterion(cycle=cycle, kind=kind, weight=weight, order=order)
            for cycle in cycles
            for order, (kind, weight) in enumerate(am.DEFAULT_WEIGHTS.items(), start=1)
        ],
    )
    criteria_of = {}
    for c in criteria:
        criteria_of.setdefault(c.cycle_id, []).append(c)
    write(
        "scores",
        am.Score,
        [
            am.Score(idea=i, criterion=c, value=rng.randint(1, 3))
            for i in ideas
            for c in criteria_of[i.cycle_id]
        ],
    )
    write(
        "ieecag_opinions",
        am.IeecagOpinion,
        [
            am.IeecagOpinion(
                cycle=cycle,
                date=datetime.date(START + 1, 1, 20),
                verdict="favourable" if n % 3 else "reserved",
                text="Avis favorable; suivre les indicateurs par sexe.",
            )
            for n, cycle in enumerate(cycles)
        ],
    )
    write(
        "deliberations",
        am.CouncilDeliberation,
        [
            am.CouncilDeliberation(
                cycle=cycle,
                session="ordinary",
                session_name="Session de février",
                date=datetime.date(START + 1, 2, 6),
                number=f"D-{START + 1}-{n + 1:02d}",
                decision="Le conseil adopte les projets retenus.",
            )
            for n, cycle in enumerate(cycles)
        ],
    )
    write(
        "decisions",
        am.IdeaDecision,
        [
            am.IdeaDecision(
                idea=i,
                outcome="adopted" if i.number <= 3 else "postponed",
                reason="" if i.number <= 3 else "Reporté à la mise à jour du PAC.",
            )
            for i in ideas
        ],
    )

    # Step 5: one PAC action per adopted idea, with costs, financing, indicators, milestones.
    adopted = [i for i in ideas if i.number <= 3]
    actions = write(
        "pac_actions",
        am.PacAction,
        [
            am.PacAction(
                cycle_id=i.cycle_id,
                number=i.number,
                title=i.title,
                axis=f"Axe {i.number}",
                sector_id=i.sector_id,
                objectives="Accueillir, orienter et accompagner.",
                beneficiaries_women=i.beneficiaries_women,
                beneficiaries_men=i.beneficiaries_men,
                lead_service="Affaires sociales",
                start_date=datetime.date(START + 1, 1, 15),
                end_date=datetime.date(START + 3, 12, 31),
                gender_marker=(i.pk % 3),
                migration_marker=((i.pk + 1) % 3),
                status=("in_progress", "planned", "completed")[i.pk % 3],
            )
            for i in adopted
        ],
    )
    links(
        "action_ideas",
        am.ActionIdea,
        [am.ActionIdea(action=a, idea=i) for a, i in zip(actions, adopted, strict=True)],
    )
    spread("action_snia", am.PacAction.snia_programmes, actions, snia)
    costs, financing, indicators, milestones = [], [], [], []
    for k, a in enumerate(actions):
        yearly = Decimal(rng.randrange(50, 400) * 1000)
        amounts = [yearly * Decimal("1.2"), yearly, yearly * Decimal("0.8")]
        costs += [
            am.ActionCost(action=a, year=START + 1 + y, amount=amount)
            for y, amount in enumerate(amounts)
        ]
        total = sum(amounts)
        first = "prim" if k % 2 == 0 else "region"
        financing += [
            am.Financing(action=a, source=first, amount=total * Decimal("0.4"), status="committed"),
            am.Financing(
                action=a, source="commune", amount=total * Decimal("0.3"), status="committed"
            ),
            am.Financing(
                action=a, source=("indh", "state", "mre")[k % 3], amount=total * Decimal("0.2")
            ),
        ]
        indicators += [
            am.Indicator(
                action=a,
                name="Bénéficiaires directs",
                unit="personnes",
                baseline=Decimal(0),
                target=Decimal((a.beneficiaries_women or 0) + (a.beneficiaries_men or 0)),
                by_sex=True,
                frequency="quarterly",
            ),
            am.Indicator(action=a, name="Part des femmes", unit="%", target=Decimal(50)),
        ]
        milestones += [
            am.Milestone(
                action=a,
                title="Convention signée",
                due_date=datetime.date(START + 1, 3, 1),
                done=True,
            ),
            am.Milestone(
                action=a, title="Premiers bénéficiaires", due_date=datetime.date(START + 1, 9, 1)
            ),
        ]
    write("action_costs", am.ActionCost, costs)
    write("financing_lines", am.Financing, financing)
    write("indicators", am.Indicator, indicators)
    write("milestones", am.Milestone, milestones)
