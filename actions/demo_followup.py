"""Demo: the legal chain and the follow-up of the seven pilot PACs (2022-2027).

Dates, and why (DOMAIN.md sections 1-2):
- The councils were elected in September 2021; a PAC is adopted at the latest in the first year
  of the mandate: each PAC 2022-2027 is adopted at the ordinary session of May 2022. The gender
  and migration actions did not exist yet (the PRIM trainings were held in autumn 2022), so this
  adoption brings none of them.
- The councils decided on the PRIM ideas in February (Oriental) and May (Souss-Massa) 2023
  (``actions.demo``, step 4). 2023 is the PAC's second year; a PAC is updated from its third
  year. So the actions enter the PAC by the update deliberation of the first ordinary session of
  2024 with the same month as the step-4 decision: February 2024 (Oriental), May 2024
  (Souss-Massa). That is also the last year of PRIM (2020-2024): its money is paid in 2024.
- Execution is therefore recorded for 2024, the year the actions are in the PAC. A 2023 record
  would follow up actions the PAC did not contain yet; there is none.
Every figure here is invented and says so ("données fictives" / "بيانات افتراضية").
The data (each council's members in office, update session and date; what every deliberation
says) is in ``demo_pilots.json`` with the step-4 demo's.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from communes.demo import DEMO_CYCLE_START, record_fields
from communes.models import PlanningCycle, User

from . import adoption, followup
from .demo import DATA
from .models import GovernorVisa, PacDeliberation

D = datetime.date
FICTIVE = DATA["fictive"]


def _deliberation(cycle, offset: int, members: int, **fields) -> PacDeliberation:
    present = members - 6 - offset % 4
    return PacDeliberation(
        cycle=cycle,
        members=members,
        present=present,
        votes_for=present - 3,
        opinion_date=fields["date"] - datetime.timedelta(days=15),
        **DATA["pac_deliberation"],
        **fields,
    )


def load() -> list:
    for offset, (code, pilot) in enumerate(DATA["pilots"].items()):
        cycle = (
            PlanningCycle.objects.filter(commune__code=code, start_year=DEMO_CYCLE_START)
            .select_related("commune")
            .first()
        )
        if cycle is None or cycle.pac_deliberations.exists():
            continue
        actions = list(cycle.pac_actions.order_by("number"))
        if not actions:
            continue
        editor = User.objects.filter(username=f"editor.{code}").first()
        members = pilot["pac_members"]
        adopted = _deliberation(
            cycle,
            offset,
            members,
            kind="adoption",
            session="may",
            date=D(2022, 5, 3 + offset),
            number=f"{10 + offset}/2022",
        )
        adopted.save()  # the PAC without the PRIM actions: its annex is outside this application
        GovernorVisa.objects.create(
            deliberation=adopted,
            date=D(2022, 6, 2 + offset),
            reference=f"V-{100 + offset}/2022",
            remarks=FICTIVE,
            recorded_by=editor,
        )
        update_fields = record_fields(pilot["pac_update"])[0]  # session and date
        update = _deliberation(
            cycle, offset, members, kind="update", number=f"{3 + offset}/2024", **update_fields
        )
        adoption.deliberation_record(deliberation=update, by=editor, added=actions)
        GovernorVisa.objects.create(
            deliberation=update,
            date=update_fields["date"] + datetime.timedelta(days=24),
            reference=f"V-{200 + offset}/2024",
            remarks=FICTIVE,
            recorded_by=editor,
        )
        for position, action in enumerate(actions):
            # Committed within the year's planned cost: PRIM first (up to its line), then
            # the other sources of the plan share what is left; 80 % of it paid.
            cost = sum((c.amount for c in action.costs.all() if c.year == 2024), Decimal(0))
            prim = sum((f.amount for f in action.financing.all() if f.source == "prim"), Decimal(0))
            others = sorted({f.source for f in action.financing.all() if f.source != "prim"})
            money = {}
            prim_part = min(prim, (cost * Decimal("0.7")).quantize(Decimal(1)))
            if prim_part:
                money["prim"] = (prim_part, (prim_part * Decimal("0.8")).quantize(Decimal(1)))
            rest = cost - prim_part
            for source in others:
                share = (rest / len(others)).quantize(Decimal(1), rounding="ROUND_DOWN")
                money[source] = (share, (share * Decimal("0.5")).quantize(Decimal(1)))
            measures = {}
            for indicator in action.indicators.all():
                value = (indicator.target * Decimal("0.6")).quantize(Decimal(1))
                women = (value * Decimal("0.55")).quantize(Decimal(1)) if indicator.by_sex else None
                measures[indicator.pk] = {
                    "value": value,
                    "women": women,
                    "men": value - women if women is not None else None,
                    "migrants": (value * Decimal("0.3")).quantize(Decimal(1))
                    if indicator.by_migrant_status
                    else None,
                }
            followup.action_year_save(
                action=action,
                year=2024,
                status="completed" if position == 0 else "in_progress",
                reason="",
                note=FICTIVE,
                milestones=[m for m in action.milestones.all() if m.done],
                money=money,
                measures=measures,
                loaded_version=None,
                by=editor,
            )
    return []
