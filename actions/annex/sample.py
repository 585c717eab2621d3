"""A complete synthetic cycle for the annex's tests and ``make bench`` (never for real data).

``build_sample_cycle(cycle, n_actions=40)`` fills every step of an open cycle: awareness
sessions, a training, consultations, findings, ideas, scores, the IEECAG opinion, the
council deliberation, decisions and ``n_actions`` PAC actions with yearly costs,
financing, indicators and milestones. Rows are written directly (bulk where it matters):
this is test data, not a user's write, so it skips the services on purpose.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from actions import models as am
from communes.records import AwarenessSession, SessionAttendance, Trainee, Training
from diagnostics import models as dm

D = datetime.date

# (French, Arabic): the same action in both languages.
TITLES = [
    (
        "accueil et orientation des MRE et des migrants",
        "خلية جماعية لاستقبال وتوجيه ومواكبة مغاربة العالم والمهاجرين",
    ),
    (
        "soutien scolaire des enfants de retour et des enfants migrants",
        "دعم مدرسي للأطفال العائدين وأطفال المهاجرين",
    ),
    (
        "santé de la mère et de l'enfant pour les femmes migrantes",
        "مواكبة صحة الأم والطفل للنساء المهاجرات",
    ),
    ("espace jeunes : sport et citoyenneté", "فضاء للشباب حول الرياضة والمواطنة"),
    (
        "formation professionnelle des femmes aux métiers agricoles",
        "تكوين مهني للنساء في المهن الفلاحية",
    ),
]


def _ensure_reference():
    from actions.reference import load_reference_lists as load_actions_reference
    from diagnostics.reference import load_reference_lists

    if not dm.Sector.objects.exists():
        load_reference_lists(dm.Sector, dm.TargetGroup)
    if not am.SniaProgramme.objects.exists():
        load_actions_reference(am.SniaProgramme, am.SnmreObjective)


def build_sample_cycle(cycle, *, n_actions: int = 40, long_text: str = "") -> list:
    """Fill ``cycle`` with records of the five steps; returns the PAC actions created."""
    _ensure_reference()
    sectors = list(dm.Sector.objects.order_by("order", "code"))
    groups = list(dm.TargetGroup.objects.order_by("order", "code"))
    snia = list(am.SniaProgramme.objects.order_by("order", "code"))
    snmre = list(am.SnmreObjective.objects.order_by("order", "code"))

    def numbered(k: int) -> dict:
        """The k-th finding, idea or action of the cycle: numbered in order, sectors in turn."""
        return {"cycle": cycle, "number": k + 1, "sector": sectors[k % len(sectors)]}

    # Steps 1-2
    for k in range(3):
        session = AwarenessSession.objects.create(
            cycle=cycle,
            date=D(cycle.start_year, 3 + k, 10),
            place=f"Salle {k + 1}",
            format="meeting",
            facilitator="Équipe PRIM",
            topics=["gender", "migration"],
        )
        SessionAttendance.objects.create(session=session, category="elected", women=4 + k, men=9)
        SessionAttendance.objects.create(session=session, category="staff", women=6, men=5 + k)
    training = Training.objects.create(
        cycle=cycle,
        title="Genre et migration dans la planification territoriale",
        start_date=D(cycle.start_year, 10, 25),
        end_date=D(cycle.start_year, 10, 26),
        days=2,
        trainer="Expertise France",
        place="Siège de la commune",
    )
    Trainee.objects.bulk_create(
        Trainee(
            training=training, name=f"Agent {k}", sex="f" if k % 3 == 0 else "m", days_attended=2
        )
        for k in range(20)
    )

    # Step 3
    consultations = []
    for k in range(4):
        s = dm.ConsultationSession.objects.create(
            cycle=cycle,
            title=f"Atelier {k + 1}",
            title_ar=f"ورشة {k + 1}",
            kind="workshop",
            date=D(cycle.start_year, 11, 1 + 7 * k),
            place=f"Quartier {k + 1}",
        )
        consultations.append(s)
        for g in groups[:4]:
            dm.Participation.objects.create(session=s, group=g, women=5 + k, men=4)
    dm.MigrationFigure.objects.create(
        cycle=cycle, indicator="returnees", total=1850, women=610, men=1240, source="HCP", year=2014
    )
    findings = []
    for k in range(12):
        f = dm.Finding.objects.create(
            **numbered(k),
            title=f"Constat {k + 1} : accès difficile aux services",
            title_ar=f"الخلاصة {k + 1}: صعوبة الولوج إلى الخدمات",
            severity=1 + k % 3,
            women_view="Les femmes signalent le manque d'accueil." + long_text,
            men_view="Les hommes citent le chômage.",
            description=long_text,
        )
        f.groups.set(groups[:2])
        findings.append(f)

    # Step 4
    criteria = [
        am.Criterion.objects.create(cycle=cycle, kind=kind, weight=weight, order=order)
        for order, (kind, weight) in enumerate(am.DEFAULT_WEIGHTS.items(), start=1)
    ]
    ideas = []
    for k in range(n_actions + 2):
        idea = dm.ProjectIdea.objects.create(
            **numbered(k), title=f"Idée {k + 1}", title_ar=f"فكرة {k + 1}"
        )
        dm.IdeaFinding.objects.create(idea=idea, finding=findings[k % len(findings)])
        ideas.append(idea)
    am.Score.objects.bulk_create(
        am.Score(idea=idea, criterion=c, value=(k + j) % 4)
        for k, idea in enumerate(ideas)
        for j, c in enumerate(criteria)
    )
    am.IeecagOpinion.objects.create(
        cycle=cycle,
        date=D(cycle.start_year + 1, 1, 26),
        verdict="favourable",
        text="Avis favorable.",
    )
    am.CouncilDeliberation.objects.create(
        cycle=cycle,
        session="ordinary",
        session_name="Session de février",
        date=D(cycle.start_year + 1, 2, 7),
        number=f"07/{cycle.start_year + 1}",
        decision="Le conseil adopte les projets retenus.",
    )
    am.IdeaDecision.objects.bulk_create(
        am.IdeaDecision(
            idea=idea,
            outcome="adopted" if k < n_actions else "postponed",
            reason="" if k < n_actions else "Reporté à la mise à jour du PAC.",
        )
        for k, idea in enumerate(ideas)
    )

    # Step 5
    actions = []
    for k in range(n_actions):
        action = am.PacAction.objects.create(
            **numbered(k),
            title=f"Action {k + 1} : {TITLES[k % len(TITLES)][0]}",
            title_ar=f"الإجراء {k + 1}: {TITLES[k % len(TITLES)][1]}",
            axis=f"Axe {1 + k % 3} - Accueil, droits et services",
            competence="own" if k % 2 == 0 else "shared",
            partner_convention="" if k % 2 == 0 else "Convention avec la délégation provinciale",
            objectives="Accueillir, orienter et accompagner les MRE et les migrants." + long_text,
            expected_results="Un service connu et utilisé par les femmes et les hommes visés.",
            beneficiaries_women=100 + k,
            beneficiaries_men=80 + k,
            location="Centre-ville",
            partners="Associations locales",
            lead_service="Division des affaires sociales",
            start_date=D(cycle.start_year + 1, 1, 15),
            end_date=D(cycle.end_year, 12, 31),
            gender_marker=k % 3,
            migration_marker=(k + 1) % 3,
        )
        action.snia_programmes.set(snia[:2])
        action.snmre_objectives.set(snmre[:1])
        action.target_groups.set(groups[:3])
        am.ActionIdea.objects.create(action=action, idea=ideas[k])
        am.ActionCost.objects.bulk_create(
            am.ActionCost(action=action, year=year, amount=Decimal(10000 * (k + 1) + 1000 * i))
            for i, year in enumerate(range(cycle.start_year + 1, cycle.end_year + 1))
        )
        am.Financing.objects.bulk_create(
            [
                am.Financing(action=action, source="commune", amount=Decimal(20000 * (k + 1))),
                am.Financing(
                    action=action,
                    source="prim",
                    detail="AFD / Expertise France",
                    amount=Decimal(15000 * (k + 1)),
                    status="committed",
                ),
            ]
        )
        am.Indicator.objects.create(
            action=action,
            name="Personnes accompagnées",
            unit="personnes",
            baseline=Decimal(0),
            target=Decimal(200 + k),
            by_sex=True,
            by_migrant_status=True,
            source="Registre",
            frequency="yearly",
        )
        am.Milestone.objects.create(action=action, title="Ouverture", done=k % 2 == 0)
        am.Milestone.objects.create(action=action, title="Bilan")
        actions.append(action)
    return actions
