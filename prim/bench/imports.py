"""The import throughput of ``make bench``: a spreadsheet of n new rows through the import
engine (``communes.sheets``), on one commune's cycle of the seeded country.

``prepare_*`` does what the import needs first, untimed: the step opened (in progress, not
submitted), the records the rows point at (a training for the trainees; n ideas adopted by the
council for the actions, one idea an action, inserted in bulk) and the xlsx, built in memory
in the template's columns with their French labels. ``run`` is the part that is timed: the
engine's check (``dry_run``, nothing written) or its write (``confirm``), as the national
administrator. The file stays within ``IMPORT_MAX_ROWS`` (20,000: a file of 20,000 rows is
accepted, the limit counts the header apart).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

BENCH_TRAINING = "Formation du banc d'essai"


@dataclass
class Prepared:
    kind: str
    cycle: object
    user: object
    data: bytes
    n: int


def _national_user():
    from communes.models import Membership, Role, User

    user, _created = User.objects.get_or_create(username="bench-national")
    Membership.objects.get_or_create(user=user, role=Role.NATIONAL)
    return user


def _cycle():
    from communes.models import PlanningCycle

    cycle = PlanningCycle.objects.select_related("commune").order_by("pk").first()
    if cycle is None:
        raise RuntimeError("no PAC cycle: seed the country first")
    return cycle


def _open_step(cycle, step: int) -> None:
    """An import writes only to a step the commune may still edit: set it in progress."""
    from communes.models import StepStatus

    StepStatus.objects.update_or_create(
        cycle=cycle, step=step, defaults={"status": StepStatus.Status.IN_PROGRESS}
    )


def _xlsx(resource_class, cycle, user, rows: list[dict]) -> bytes:
    """The template's columns (French labels), one line a dict keyed by column."""
    from django.utils import translation

    from communes import sheets

    with translation.override("fr"):
        labels = sheets.labels_in(resource_class(cycle=cycle, user=user))
        keys = list(labels)
        out = io.BytesIO()
        sheets.write_xlsx(out, list(labels.values()), ([row.get(k) for k in keys] for row in rows))
    return out.getvalue()


def prepare_trainees(n: int) -> Prepared:
    from communes.records import Training
    from communes.resources import TraineeResource

    cycle, user = _cycle(), _national_user()
    _open_step(cycle, TraineeResource.STEP)
    start = datetime.date(cycle.start_year, 11, 20)
    training = Training.objects.create(
        cycle=cycle,
        title=f"{BENCH_TRAINING} {Training.objects.filter(cycle=cycle).count() + 1}",
        start_date=start,
        end_date=start + datetime.timedelta(days=1),
        days=2,
        trainer="Banc d'essai",
        place="Chef-lieu",
    )
    services = ("Élu", "Agent communal", "Service déconcentré", "Association")
    rows = [
        {
            "commune": cycle.commune.code,
            "training": training.title,
            "name": f"Stagiaire importé {k + 1:05d}",
            "sex": "f" if k % 5 < 2 else "m",
            "service": services[k % 4],
            "days_attended": 2 if k % 6 else 1,
            "pre_score": 20 + k % 50,
            "post_score": 40 + k % 50,
        }
        for k in range(n)
    ]
    return Prepared("trainees", cycle, user, _xlsx(TraineeResource, cycle, user, rows), n)


def prepare_actions(n: int) -> Prepared:
    from django.db.models import Max

    from actions.models import INTEGRATION_STEP, IdeaDecision
    from actions.resources import ActionResource
    from diagnostics.models import ProjectIdea, Sector

    cycle, user = _cycle(), _national_user()
    _open_step(cycle, INTEGRATION_STEP)
    sectors = list(Sector.objects.order_by("code"))
    first = (ProjectIdea.objects.filter(cycle=cycle).aggregate(m=Max("number"))["m"] or 0) + 1
    # Each idea can be in only one action: n fresh ideas, adopted, one per row.
    ideas = ProjectIdea.objects.bulk_create(
        [
            ProjectIdea(
                cycle=cycle,
                number=first + k,
                title=f"Idée du banc d'essai {first + k}",
                sector=sectors[k % len(sectors)],
            )
            for k in range(n)
        ],
        batch_size=2000,
    )
    if any(i.pk is None for i in ideas):  # a backend that does not return the keys
        ideas = list(ProjectIdea.objects.filter(cycle=cycle, number__gte=first).order_by("number"))
    IdeaDecision.objects.bulk_create(
        [IdeaDecision(idea=i, outcome=IdeaDecision.Outcome.ADOPTED) for i in ideas],
        batch_size=2000,
    )
    year = cycle.start_year + 1
    rows = [
        {
            "commune": cycle.commune.code,
            "title": f"Action importée {k + 1:05d}",
            "ideas": idea.code,
            "axis": ("Accueil", "Emploi", "Services de base")[k % 3],
            "sector": sectors[k % len(sectors)].code,
            "competence": "own",
            "objectives": "Améliorer l'accès des femmes et des migrants au service.",
            "beneficiaries_women": 40 + k % 60,
            "beneficiaries_men": 30 + k % 60,
            "status": "planned",
            f"cost_{year}": 100_000 + 500 * (k % 40),
        }
        for k, idea in enumerate(ideas)
    ]
    return Prepared("actions", cycle, user, _xlsx(ActionResource, cycle, user, rows), n)


def run(prepared: Prepared, *, dry_run: bool) -> str:
    """The timed part: check or write the file; the note says what the engine counted."""
    from communes import sheets

    engine = sheets.dry_run if dry_run else sheets.confirm
    outcome = engine(
        io.BytesIO(prepared.data),
        kind=prepared.kind,
        cycle=prepared.cycle,
        user=prepared.user,
        name="import.xlsx",
    )
    note = f"{outcome.rows:,} rows: {outcome.new:,} new, {len(outcome.errors):,} errors"
    if outcome.errors:
        first = outcome.errors[0]
        note += f" (row {first.row}: {first.message})"
    return note


def bench_import_trainees(n: int, dry_run: bool, prepared: Prepared | None = None) -> str:
    return run(prepared or prepare_trainees(n), dry_run=dry_run)


def bench_import_actions(n: int, dry_run: bool, prepared: Prepared | None = None) -> str:
    return run(prepared or prepare_actions(n), dry_run=dry_run)
