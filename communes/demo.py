"""Demo people and PAC cycles for the seven pilot communes (idempotent).

The data is in ``demo_pilots.json``: the national admin; per region its coordinator and the
trainer of its trainings; per pilot commune its editor (the PAC focal point) and viewer (an
elected official or an IEECAG member), its training (the Oriental trainings took place on these
dates in 2022, DOMAIN.md; the Souss-Massa dates are set in late 2022 / early 2023, after the
Oriental series), how many of its trainees are women, where it stands on steps 1-2 (a realistic
picture of 2023: "validated" goes through submission then review) and the steps returned once
first, with the coordinator's comment. Then the awareness sessions (days from the training) and
the names the trainees are drawn from. The helpers here read the other apps' data files too.
"""

from __future__ import annotations

import datetime
import json
from importlib import resources

from django.db import transaction

from . import services
from .models import Commune, Membership, Region, Role, User
from .territory import PILOT_CODES

# Demo-only password, printed by ``make run`` and in the README. Never use it elsewhere.
DEMO_PASSWORD = "prim-demo-2026"
DEMO_CYCLE_START = 2022


def demo_data(package: str) -> dict:
    """An app's demo data: the ``demo_pilots.json`` that ships with the package."""
    text = resources.files(package).joinpath("demo_pilots.json").read_text(encoding="utf-8")
    return json.loads(text)


def record_fields(record: dict, *links: str) -> tuple:
    """A demo record as (model fields, then the value of each of ``links``, in that order).

    The links are what a record holds beside the model's fields (a key other records refer to,
    codes of related rows); the fields go to the model as they are, dates (``date``, ``*_date``)
    parsed from their ISO text.
    """
    fields = {name: value for name, value in record.items() if name not in links}
    for name, value in fields.items():
        if name == "date" or name.endswith("_date"):
            fields[name] = datetime.date.fromisoformat(value)
    return (fields, *(record[name] for name in links))


DATA = demo_data(__package__)


def _user(username: str, first_name: str, last_name: str, **extra) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load() -> list[tuple[str, str, str]]:
    """Create the demo accounts and cycles; returns (username, role, where) for printing."""
    accounts = []
    admin = _user(**DATA["admin"], is_staff=True, is_superuser=True)
    Membership.objects.get_or_create(user=admin, role=Role.NATIONAL)
    accounts.append((admin.username, str(Role.NATIONAL.label), "Maroc / المغرب"))

    for region_code, data in DATA["regions"].items():
        region = Region.objects.get(code=region_code)
        user = _user(**data["coordinator"])
        Membership.objects.get_or_create(user=user, role=Role.COORDINATOR, region=region)
        accounts.append((user.username, str(Role.COORDINATOR.label), region.name_fr))

    for code in PILOT_CODES:
        commune = Commune.objects.get(code=code)
        for role, prefix in ((Role.EDITOR, "editor"), (Role.VIEWER, "viewer")):
            username = f"{prefix}.{code}"
            user = _user(username, **DATA["pilots"][code][prefix])
            Membership.objects.get_or_create(user=user, commune=commune, defaults={"role": role})
            accounts.append((username, str(role.label), commune.name_fr))
        if not commune.cycles.filter(start_year=DEMO_CYCLE_START).exists():
            services.cycle_open(commune=commune, start_year=DEMO_CYCLE_START, by=None)
    load_records()
    return accounts


# --- Steps 1-2: awareness sessions and trainings of the pilot communes -------------------------


def _demo_trainees(rng, count: int, women: int, days: int) -> list:
    from .records import Sex, Trainee

    names = DATA["trainee_names"]
    people = []
    sexes = [Sex.WOMAN] * women + [Sex.MAN] * (count - women)
    rng.shuffle(sexes)
    used = set()
    for sex in sexes:
        while True:
            first = rng.choice(names["women"] if sex == Sex.WOMAN else names["men"])
            name = f"{first} {rng.choice(names['family'])}"
            if name not in used:
                used.add(name)
                break
        scored = rng.random() < 0.8
        pre = rng.randint(30, 65) if scored else None
        people.append(
            Trainee(
                name=name,
                sex=sex,
                service=rng.choice(DATA["services"]),
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
    import random

    from .models import PlanningCycle, StepStatus
    from .records import AwarenessSession, Training

    for index, code in enumerate(PILOT_CODES):
        cycle = PlanningCycle.objects.select_related("commune__province__region").get(
            commune__code=code, start_year=DEMO_CYCLE_START
        )
        commune = cycle.commune
        pilot = DATA["pilots"][code]
        editor = User.objects.filter(username=f"editor.{code}").first()
        rng = random.Random(f"prim-demo-{code}")  # noqa: S311 - reproducible demo data
        training = record_fields(pilot["training"])[0]
        if not cycle.awareness_sessions.exists():
            for record in DATA["awareness_sessions"][: 3 if index % 2 == 0 else 2]:
                fields, offset, where, attendance = record_fields(
                    record, "days_from_training", "place", "attendance"
                )
                services.awareness_session_save(
                    session=AwarenessSession(
                        cycle=cycle,
                        date=training["start_date"] + datetime.timedelta(days=offset),
                        place=f"{where}, {commune.name_fr}",
                        **fields,
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
                    days=2,
                    trainer=DATA["regions"][commune.province.region.code]["trainer"],
                    **DATA["training"],
                    **training,
                ),
                trainees=_demo_trainees(rng, count, pilot["women_trainees"], 2),
                removed=[],
                by=editor,
            )
            coordinator = User.objects.filter(memberships__region=commune.province.region).first()
            returned = pilot.get("returned", {})
            for step in (1, 2):
                wanted = pilot["steps"][str(step)]
                if wanted in {StepStatus.Status.SUBMITTED, StepStatus.Status.VALIDATED}:
                    services.step_submit(cycle=cycle, step=step, by=editor)
                if str(step) in returned:
                    # A round trip, so the demo's review thread shows a returned step.
                    services.step_return(
                        cycle=cycle, step=step, by=coordinator, comment=returned[str(step)]
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
