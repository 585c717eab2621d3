"""The read model of steps 1 (awareness) and 2 (training): what these steps hold for cycles.

``awareness_totals`` and ``training_totals`` take a batch of cycles and run one query each
whatever its size (aggregates grouped by cycle), so a region page of hundreds of communes costs
the same as one commune page. Every figure of these steps is computed here, once: the tracker,
the step pages, the PAC annex and the dossier read it from the ``StepSummary`` that the step
registry makes of these totals (``register()`` below, ``communes.steps``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Min, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .numbers import grouped, ratio, share
from .records import (
    OFFICIAL_CATEGORIES,
    AwarenessSession,
    Sex,
    Training,
)
from .steps import AnnexSection, ChecklistItem, Figure, StepSummary

# The one division behind every share of women, migrants or budget, and how pages print it
# (rounded half up, "37 %"; a dash when undefined): the formatting module's, under the names
# the step selectors use.
share_of = ratio
share_text = share


def per_cycle(queryset, aggregate, link: str = "cycle"):
    """A correlated subquery for ``PlanningCycle.objects.annotate()``: ``aggregate`` over the
    rows of ``queryset`` that belong to the outer cycle (``link`` leads from a row to it).

    Several counts and sums in one query on the cycles, none multiplying another's rows;
    None when the cycle has no such row.
    """
    return Subquery(
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(value=aggregate)
        .values("value")
    )


def _ids(cycles: Sequence) -> list[int]:
    return [c.pk for c in cycles]


def totals_by_cycle(cycles: Sequence, queryset, make, **aggregates) -> dict:
    """One query: each of ``aggregates``, named after a field of the dataclass ``make``, over
    the rows of ``queryset`` grouped by cycle; ``make()`` (zeros) for a cycle without rows."""
    totals = {pk: make() for pk in _ids(cycles)}
    for row in (
        queryset.filter(cycle__in=list(totals))
        .values("cycle")
        # Prefixed: an aggregate may share its name with a relation ("trainees").
        .annotate(**{f"total_{name}": aggregate for name, aggregate in aggregates.items()})
        .order_by()
    ):
        totals[row["cycle"]] = make(**{name: row[f"total_{name}"] for name in aggregates})
    return totals


@dataclass
class PeopleTotals:
    """The totals of a step that counts the women and men at dated events (awareness
    sessions, consultation sessions)."""

    women: int = 0
    men: int = 0
    first_date: datetime.date | None = None
    last_date: datetime.date | None = None

    @property
    def participants(self) -> int:
        return self.women + self.men

    @property
    def women_share(self) -> Decimal | None:
        """Women among the participants, in percent (exact)."""
        return share_of(self.women, self.participants)


def counted_summary(totals) -> StepSummary:
    """The summary of one cycle of a step that counts records and people (steps 1 and 2), from
    its totals: their checklist, the counts they name in ``COUNTS`` (label, attribute), then the
    share of women."""
    return StepSummary(
        checklist=totals.checklist(),
        figures=[
            *(
                Figure(str(label), getattr(totals, name), grouped(getattr(totals, name)))
                for label, name in totals.COUNTS
            ),
            Figure(_("Women"), totals.women_share, share_text(totals.women_share)),
        ],
        totals=totals,
    )


def counted_annex(cycle, summary: StepSummary) -> AnnexSection:
    """The annex section of such a step: its dates, its counts, then the share of women
    (labelled ``WOMEN_LABEL``)."""
    t = summary.totals
    return AnnexSection(
        first_date=t.first_date,
        last_date=t.last_date,
        figures=[
            *((label, getattr(t, name), "int") for label, name in t.COUNTS),
            (t.WOMEN_LABEL, t.women_share, "percent"),
        ],
    )


# --- Step 1: awareness sessions ----------------------------------------------------------------


@dataclass
class AwarenessTotals(PeopleTotals):
    COUNTS = (
        (gettext_lazy("Sessions"), "sessions"),
        (gettext_lazy("Participants"), "participants"),
    )
    WOMEN_LABEL = gettext_lazy("Women among participants")

    sessions: int = 0
    sessions_with_attendance: int = 0
    sessions_with_officials: int = 0

    def checklist(self) -> list[ChecklistItem]:
        return [
            ChecklistItem(
                _("At least one awareness session with its attendance recorded"),
                self.sessions_with_attendance > 0,
            ),
            ChecklistItem(
                _("At least one session attended by elected officials or commune staff"),
                self.sessions_with_officials > 0,
            ),
        ]


def awareness_totals(cycles: Sequence) -> dict[int, AwarenessTotals]:
    """One query: sessions joined to their attendance, grouped by cycle. Rows with nobody are
    never stored, so a session with a row is a session with people counted."""
    return totals_by_cycle(
        cycles,
        AwarenessSession.objects.all(),
        AwarenessTotals,
        sessions=Count("pk", distinct=True),
        sessions_with_attendance=Count("pk", filter=Q(attendance__isnull=False), distinct=True),
        sessions_with_officials=Count(
            "pk", filter=Q(attendance__category__in=OFFICIAL_CATEGORIES), distinct=True
        ),
        women=Sum("attendance__women", default=0),
        men=Sum("attendance__men", default=0),
        first_date=Min("date"),
        last_date=Max("date"),
    )


def awareness_rows(queryset):
    """Sessions with their women and men counted in the same query (the list's rows)."""
    return queryset.annotate(n_women=Sum("attendance__women"), n_men=Sum("attendance__men"))


def awareness_row_figures(sessions) -> None:
    """Fill each session (annotated by ``awareness_rows``) with its people and share of women."""
    for session in sessions:
        session.n_women = session.n_women or 0
        session.n_men = session.n_men or 0
        session.n_total = session.n_women + session.n_men
        session.women_share = share_text(share_of(session.n_women, session.n_total))


def awareness_export(cycle) -> list[dict]:
    sessions = (
        AwarenessSession.objects.filter(cycle=cycle)
        .order_by("date", "pk")
        .prefetch_related("attendance", "attachments")
    )
    return [
        {
            "uuid": str(s.uuid),
            "date": s.date.isoformat(),
            "place": s.place,
            "format": s.format,
            "facilitator": s.facilitator,
            "topics": list(s.topics),
            "other_topic": s.other_topic,
            "outcome": s.outcome,
            "attendance": [
                {"category": a.category, "women": a.women, "men": a.men}
                for a in sorted(s.attendance.all(), key=lambda a: a.category)
            ],
            "participants": {
                "women": sum(a.women for a in s.attendance.all()),
                "men": sum(a.men for a in s.attendance.all()),
            },
            "attachments": [
                {
                    "uuid": str(a.uuid),
                    "kind": a.kind,
                    "name": a.original_name,
                    "content_type": a.content_type,
                    "size": a.size,
                }
                for a in s.attachments.all()
            ],
        }
        for s in sessions
    ]


# --- Step 2: trainings ---------------------------------------------------------------------------


@dataclass
class TrainingTotals:
    COUNTS = ((gettext_lazy("Trainings"), "trainings"), (gettext_lazy("Trainees"), "trainees"))
    WOMEN_LABEL = gettext_lazy("Women among trainees")

    trainings: int = 0
    trainings_with_trainees: int = 0
    trainees: int = 0
    women: int = 0
    first_date: datetime.date | None = None
    last_date: datetime.date | None = None

    @property
    def women_share(self) -> Decimal | None:
        return share_of(self.women, self.trainees)

    def checklist(self) -> list[ChecklistItem]:
        return [
            ChecklistItem(
                _("At least one training with its trainees"), self.trainings_with_trainees > 0
            )
        ]


def training_totals(cycles: Sequence) -> dict[int, TrainingTotals]:
    """One query: trainings joined to their trainees, grouped by cycle."""
    return totals_by_cycle(
        cycles,
        Training.objects.all(),
        TrainingTotals,
        trainings=Count("pk", distinct=True),
        trainings_with_trainees=Count("pk", filter=Q(trainees__isnull=False), distinct=True),
        trainees=Count("trainees"),
        women=Count("trainees", filter=Q(trainees__sex=Sex.WOMAN)),
        first_date=Min("start_date"),
        last_date=Max("end_date"),
    )


def training_rows(queryset):
    """Trainings with counts and sums over their trainees, in the same query (the list's rows);
    ``training_row_figures`` then derives what the list prints."""
    scored = Q(trainees__pre_score__isnull=False, trainees__post_score__isnull=False)
    return queryset.annotate(
        n_trainees=Count("trainees"),
        n_women=Count("trainees", filter=Q(trainees__sex=Sex.WOMAN)),
        days_attended_sum=Sum("trainees__days_attended"),
        n_scored=Count("trainees", filter=scored),
        pre_sum=Sum("trainees__pre_score", filter=scored),
        post_sum=Sum("trainees__post_score", filter=scored),
    )


def training_row_figures(trainings) -> None:
    """Fill each training (annotated by ``training_rows``) with its derived figures."""
    for t in trainings:
        t.women_share = share_text(share_of(t.n_women, t.n_trainees))
        t.attendance_rate = share_text(share_of(t.days_attended_sum or 0, t.n_trainees * t.days))
        t.progression = None if not t.n_scored else round((t.post_sum - t.pre_sum) / t.n_scored, 1)


def training_export(cycle) -> list[dict]:
    trainings = (
        Training.objects.filter(cycle=cycle)
        .order_by("start_date", "pk")
        .prefetch_related("trainees")
    )
    return [
        {
            "uuid": str(t.uuid),
            "title": t.title,
            "modules": t.module_list,
            "start_date": t.start_date.isoformat(),
            "end_date": t.end_date.isoformat(),
            "days": t.days,
            "trainer": t.trainer,
            "place": t.place,
            "trainees": [
                {
                    "name": p.name,
                    "sex": p.sex,
                    "service": p.service,
                    "days_attended": p.days_attended,
                    "pre_score": p.pre_score,
                    "post_score": p.post_score,
                }
                for p in sorted(t.trainees.all(), key=lambda p: (p.name, p.pk))
            ],
        }
        for t in trainings
    ]


def register() -> None:
    """Called from ``CommunesConfig.ready()``."""
    from .steps import register_step

    register_step(
        1,
        url_name="communes:awareness_list",
        totals=awareness_totals,
        summary_of=counted_summary,
        annex=counted_annex,
        export=awareness_export,
    )
    register_step(
        2,
        url_name="communes:training_list",
        totals=training_totals,
        summary_of=counted_summary,
        annex=counted_annex,
        export=training_export,
    )
