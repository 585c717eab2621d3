"""Demo people and PAC cycles for the seven pilot communes (idempotent)."""

from __future__ import annotations

from django.db import transaction

from . import services
from .models import Commune, Membership, Region, Role, User
from .territory import PILOT_CODES

# Demo-only password, printed by ``make run`` and in the README. Never use it elsewhere.
DEMO_PASSWORD = "prim-demo-2026"
DEMO_CYCLE_START = 2022

COORDINATORS = [
    ("coord.oriental", "Karima", "Benali", "02"),
    ("coord.souss", "Youssef", "Ait Lahcen", "09"),
]
# Editors are the PAC focal points; viewers elected officials or IEECAG members.
PEOPLE = {
    "oujda": (("Samira", "El Idrissi"), ("Ahmed", "Bouazza")),
    "nador": (("Hanane", "Amrani"), ("Mohamed", "Ziani")),
    "berkane": (("Nadia", "Bekkali"), ("Rachid", "Tahiri")),
    "driouch": (("Fatima", "Azzouzi"), ("Khalid", "Ouali")),
    "sidi-bibi": (("Hafsa", "Oubaha"), ("Brahim", "Id Ali")),
    "ait-amira": (("Malika", "Aznag"), ("Lahcen", "Boutaleb")),
    "belfaa": (("Zineb", "Ait Said"), ("Mustapha", "Amzil")),
}


def _user(username: str, first: str, last: str, **extra) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load() -> list[tuple[str, str, str]]:
    """Create the demo accounts and cycles; returns (username, role, where) for printing."""
    accounts = []
    admin = _user("admin", "Amina", "Tazi", is_staff=True, is_superuser=True)
    Membership.objects.get_or_create(user=admin, role=Role.NATIONAL)
    accounts.append(("admin", str(Role.NATIONAL.label), "Maroc / المغرب"))

    for username, first, last, region_code in COORDINATORS:
        region = Region.objects.get(code=region_code)
        user = _user(username, first, last)
        Membership.objects.get_or_create(user=user, role=Role.COORDINATOR, region=region)
        accounts.append((username, str(Role.COORDINATOR.label), region.name_fr))

    for code in PILOT_CODES:
        commune = Commune.objects.get(code=code)
        (e_first, e_last), (v_first, v_last) = PEOPLE[code]
        for role, prefix, first, last in (
            (Role.EDITOR, "editor", e_first, e_last),
            (Role.VIEWER, "viewer", v_first, v_last),
        ):
            username = f"{prefix}.{code}"
            user = _user(username, first, last)
            Membership.objects.get_or_create(user=user, commune=commune, defaults={"role": role})
            accounts.append((username, str(role.label), commune.name_fr))
        if not commune.cycles.filter(start_year=DEMO_CYCLE_START).exists():
            services.cycle_open(commune=commune, start_year=DEMO_CYCLE_START, by=None)
    load_records()
    return accounts


# --- Steps 1-2: awareness sessions and trainings of the pilot communes -------------------------

TRAINING_TITLE = "Genre et migration dans la planification territoriale"
TRAINING_MODULES = (
    "Concepts : genre, migration et développement\n"
    "Cadre juridique du PAC (loi organique 113-14) et rôle de l'IEECAG\n"
    "Stratégies nationales SNIA et SNMRE\n"
    "Diagnostic sensible au genre et à la migration\n"
    "Intégrer des actions dans le PAC : fiches projet et indicateurs"
)
# Oriental trainings took place on these dates in 2022 (DOMAIN.md); Souss-Massa dates are
# set in late 2022 / early 2023, after the Oriental series.
TRAININGS = {
    "berkane": ("2022-09-29", "2022-09-30", "Salle de réunion de la commune de Berkane"),
    "nador": ("2022-10-17", "2022-10-18", "Siège de la commune de Nador"),
    "driouch": ("2022-10-19", "2022-10-20", "Centre culturel de Driouch"),
    "oujda": ("2022-10-25", "2022-10-26", "Salle des délibérations, commune d'Oujda"),
    "sidi-bibi": ("2022-12-06", "2022-12-07", "Maison communale de Sidi Bibi"),
    "ait-amira": ("2023-01-17", "2023-01-18", "Foyer féminin d'Aït Amira"),
    "belfaa": ("2023-02-14", "2023-02-15", "Siège de la commune de Belfaa"),
}
TRAINERS = {
    "02": "Expertise France - équipe PRIM Oriental",
    "09": "Expertise France - équipe PRIM Souss-Massa",
}

WOMEN_NAMES = [
    "Fatima Zahra",
    "Khadija",
    "Naima",
    "Samira",
    "Hanane",
    "Siham",
    "Laila",
    "Souad",
    "Meryem",
    "Asmae",
    "Imane",
    "Houda",
    "Karima",
    "Latifa",
    "Salma",
    "Nezha",
    "Rachida",
    "Ilham",
]
MEN_NAMES = [
    "Mohamed",
    "Ahmed",
    "Youssef",
    "Abdelkader",
    "Said",
    "Hassan",
    "Mustapha",
    "Rachid",
    "Abdelilah",
    "Omar",
    "Hicham",
    "Karim",
    "Driss",
    "Brahim",
    "Abdellah",
    "Jamal",
    "Nabil",
    "Khalid",
    "Lahcen",
    "Mourad",
    "Noureddine",
    "Aziz",
]
FAMILY_NAMES = [
    "El Amrani",
    "Benali",
    "Bouchikhi",
    "Ait Taleb",
    "El Ouafi",
    "Ziani",
    "Tahiri",
    "Lamrani",
    "Bakkali",
    "Amzil",
    "Oubaha",
    "El Fassi",
    "Idrissi",
    "Haddadi",
    "Moussaoui",
    "Chaoui",
    "Bennani",
    "Azzouzi",
    "Boutaleb",
    "El Khattabi",
    "Ouchen",
    "Aznag",
    "Belhaj",
    "Rifi",
    "Kaddouri",
    "Najib",
    "Ait Brahim",
    "Souiri",
    "Belkadi",
    "Mansouri",
]
SERVICES = [
    "Service de planification",
    "Bureau d'ordre",
    "État civil",
    "Service technique",
    "Service financier",
    "Ressources humaines",
    "Service des affaires sociales",
    "Division de l'urbanisme",
    "Service de la communication",
    "Direction des services",
]
# (offset in days before the training, format, place, facilitator, topics, attendance, outcome)
SESSIONS = [
    (
        -90,
        "meeting",
        "Salle des délibérations",
        "Expertise France (PRIM) et la Division des affaires sociales",
        ["gender", "migration", "pac_law"],
        {"elected": (3, 9), "staff": (5, 8), "services": (2, 4)},
        "Le conseil s'engage à intégrer la migration et le genre dans le PAC et désigne un "
        "point focal.",
    ),
    (
        -60,
        "workshop",
        "Maison des associations",
        "Association partenaire et équipe PRIM",
        ["gender", "ieecag", "snmre"],
        {"civil_society": (9, 6), "ieecag": (5, 3), "diaspora": (2, 4), "migrants": (3, 2)},
        "Les associations demandent un guichet d'accueil pour les MRE et les migrants.",
    ),
    (
        -30,
        "meeting",
        "Siège de la commune",
        "Équipe PRIM",
        ["snia", "snmre", "migration"],
        {"staff": (4, 7), "services": (3, 5), "elected": (1, 4)},
        "Les services déconcentrés partagent leurs données sur les MRE et les migrants.",
    ),
]
# Where each pilot commune stands on steps 1-2 (a realistic picture of 2023):
# (step 1, step 2); "validated" goes through submission then review.
DEMO_STATUSES = {
    "oujda": ("in_progress", "submitted"),
    "nador": ("validated", "validated"),
    "berkane": ("validated", "validated"),
    "driouch": ("validated", "submitted"),
    "sidi-bibi": ("submitted", "in_progress"),
    "ait-amira": ("in_progress", "in_progress"),
    "belfaa": ("validated", "in_progress"),
}


# Submitted steps that were returned once first, with the coordinator's comment (demo text).
DEMO_RETURNS = {
    ("driouch", 2): "Merci d'ajouter les résultats des tests avant et après la formation.",
}


def _demo_trainees(rng, count: int, women: int, days: int) -> list:
    from .records import Sex, Trainee

    people = []
    sexes = [Sex.WOMAN] * women + [Sex.MAN] * (count - women)
    rng.shuffle(sexes)
    used = set()
    for sex in sexes:
        while True:
            first = rng.choice(WOMEN_NAMES if sex == Sex.WOMAN else MEN_NAMES)
            name = f"{first} {rng.choice(FAMILY_NAMES)}"
            if name not in used:
                used.add(name)
                break
        scored = rng.random() < 0.8
        pre = rng.randint(30, 65) if scored else None
        people.append(
            Trainee(
                name=name,
                sex=sex,
                service=rng.choice(SERVICES),
                days_attended=days if rng.random() < 0.85 else days - 1,
                pre_score=pre,
                post_score=min(100, pre + rng.randint(5, 30)) if scored else None,
            )
        )
    return people


def load_records() -> None:
    """2-3 awareness sessions and one training of about 20 trainees per pilot commune.

    Idempotent: a cycle that already has sessions or trainings is left as it is.
    Over the seven communes, women are about 37% of the trainees (as in the regional series).
    """
    import datetime
    import random

    from .models import PlanningCycle, StepStatus
    from .records import AwarenessSession, Training

    women_per_commune = {
        "oujda": 8,
        "nador": 7,
        "berkane": 8,
        "driouch": 6,
        "sidi-bibi": 8,
        "ait-amira": 7,
        "belfaa": 8,
    }
    for index, code in enumerate(PILOT_CODES):
        cycle = PlanningCycle.objects.select_related("commune__province__region").get(
            commune__code=code, start_year=DEMO_CYCLE_START
        )
        commune = cycle.commune
        editor = User.objects.filter(username=f"editor.{code}").first()
        rng = random.Random(f"prim-demo-{code}")  # noqa: S311 - reproducible demo data
        start, end, place = TRAININGS[code]
        start_date = datetime.date.fromisoformat(start)
        if not cycle.awareness_sessions.exists():
            for offset, fmt, where, facilitator, topics, attendance, outcome in SESSIONS[
                : 3 if index % 2 == 0 else 2
            ]:
                services.awareness_session_save(
                    session=AwarenessSession(
                        cycle=cycle,
                        date=start_date + datetime.timedelta(days=offset),
                        place=f"{where}, {commune.name_fr}",
                        format=fmt,
                        facilitator=facilitator,
                        topics=topics,
                        outcome=outcome,
                    ),
                    attendance={
                        cat: (max(0, w + rng.randint(-1, 2)), max(0, m + rng.randint(-1, 2)))
                        for cat, (w, m) in attendance.items()
                    },
                    by=editor,
                )
        if not cycle.trainings.exists():
            count = 19 + rng.randint(0, 3)
            services.training_save(
                training=Training(
                    cycle=cycle,
                    title=TRAINING_TITLE,
                    modules=TRAINING_MODULES,
                    start_date=start_date,
                    end_date=datetime.date.fromisoformat(end),
                    days=2,
                    trainer=TRAINERS[commune.province.region.code],
                    place=place,
                ),
                trainees=_demo_trainees(rng, count, women_per_commune[code], 2),
                removed=[],
                by=editor,
            )
            coordinator = User.objects.filter(memberships__region=commune.province.region).first()
            for step, wanted in zip((1, 2), DEMO_STATUSES[code], strict=True):
                if wanted in {StepStatus.Status.SUBMITTED, StepStatus.Status.VALIDATED}:
                    services.step_submit(cycle=cycle, step=step, by=editor)
                if (code, step) in DEMO_RETURNS:
                    # A round trip, so the demo's review thread shows a returned step.
                    services.step_return(
                        cycle=cycle, step=step, by=coordinator, comment=DEMO_RETURNS[code, step]
                    )
                    services.step_submit(cycle=cycle, step=step, by=editor)
                if wanted == StepStatus.Status.VALIDATED:
                    services.step_review(
                        cycle=cycle,
                        step=step,
                        by=coordinator,
                        validate=True,
                        comment="Conforme à la démarche PRIM.",
                    )
