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
    return accounts
