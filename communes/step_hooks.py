"""Tracker hooks of steps 1 (awareness) and 2 (training): checklist, figures, export.

``checklist`` and ``figures`` take a batch of cycles and run a fixed number of
queries whatever its size (aggregates grouped by cycle), so a region dashboard of
hundreds of communes costs the same as one commune page.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from .numbers import grouped, percent
from .records import (
    OFFICIAL_CATEGORIES,
    AwarenessSession,
    SessionAttendance,
    Sex,
    Trainee,
    Training,
)
from .steps import ChecklistItem


def _ids(cycles: Sequence) -> list[int]:
    return [c.pk for c in cycles]


# --- Step 1: awareness sessions ----------------------------------------------------------------


def awareness_checklist(cycles: Sequence) -> dict[int, list[ChecklistItem]]:
    # One query: per cycle, sessions with attendance, and those with officials or staff present.
    # Rows with nobody are never stored, so a stored row means people were counted.
    counts = {
        row["session__cycle"]: row
        for row in SessionAttendance.objects.filter(session__cycle__in=_ids(cycles))
        .values("session__cycle")
        .annotate(
            with_attendance=Count("session", distinct=True),
            with_officials=Count(
                "session", filter=Q(category__in=OFFICIAL_CATEGORIES), distinct=True
            ),
        )
        .order_by()
    }
    result = {}
    for cycle in cycles:
        row = counts.get(cycle.pk, {})
        result[cycle.pk] = [
            ChecklistItem(
                _("At least one awareness session with its attendance recorded"),
                bool(row.get("with_attendance")),
            ),
            ChecklistItem(
                _("At least one session attended by elected officials or commune staff"),
                bool(row.get("with_officials")),
            ),
        ]
    return result


def awareness_totals(cycles: Sequence) -> dict[int, dict]:
    """Sessions, women and men per cycle, in one query (sessions joined to their attendance)."""
    rows = {
        row["cycle"]: row
        for row in AwarenessSession.objects.filter(cycle__in=_ids(cycles))
        .values("cycle")
        .annotate(
            n_sessions=Count("pk", distinct=True),
            n_women=Sum("attendance__women"),
            n_men=Sum("attendance__men"),
        )
        .order_by()
    }
    return {
        c.pk: {
            "sessions": (rows.get(c.pk) or {}).get("n_sessions") or 0,
            "women": (rows.get(c.pk) or {}).get("n_women") or 0,
            "men": (rows.get(c.pk) or {}).get("n_men") or 0,
        }
        for c in cycles
    }


def awareness_figures(cycles: Sequence) -> dict[int, list[tuple[str, object]]]:
    result = {}
    for pk, t in awareness_totals(cycles).items():
        total = t["women"] + t["men"]
        result[pk] = [
            (_("Sessions"), grouped(t["sessions"])),
            (_("Participants"), grouped(total)),
            (_("Women"), percent(t["women"], total)),
        ]
    return result


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


def training_checklist(cycles: Sequence) -> dict[int, list[ChecklistItem]]:
    # One query: per cycle, the trainings that have at least one trainee.
    with_trainees = dict(
        Trainee.objects.filter(training__cycle__in=_ids(cycles))
        .values("training__cycle")
        .annotate(n=Count("training", distinct=True))
        .order_by()
        .values_list("training__cycle", "n")
    )
    return {
        c.pk: [
            ChecklistItem(
                _("At least one training with its trainees"), bool(with_trainees.get(c.pk))
            )
        ]
        for c in cycles
    }


def training_figures(cycles: Sequence) -> dict[int, list[tuple[str, object]]]:
    # One query: trainings per cycle joined to their trainees.
    rows = {
        row["cycle"]: row
        for row in Training.objects.filter(cycle__in=_ids(cycles))
        .values("cycle")
        .annotate(
            n_trainings=Count("pk", distinct=True),
            n_trainees=Count("trainees"),
            n_women=Count("trainees", filter=Q(trainees__sex=Sex.WOMAN)),
        )
        .order_by()
    }
    result = {}
    for c in cycles:
        row = rows.get(c.pk) or {"n_trainings": 0, "n_trainees": 0, "n_women": 0}
        result[c.pk] = [
            (_("Trainings"), grouped(row["n_trainings"])),
            (_("Trainees"), grouped(row["n_trainees"])),
            (_("Women"), percent(row["n_women"], row["n_trainees"])),
        ]
    return result


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


def training_list_stats(trainings) -> None:
    """Fill each training (annotated by ``with_stats``) with its derived figures."""
    for t in trainings:
        t.women_share = percent(t.n_women, t.n_trainees)
        possible = t.n_trainees * t.days
        t.attendance_rate = percent(t.days_attended_sum or 0, possible)
        t.progression = None if not t.n_scored else round((t.post_sum - t.pre_sum) / t.n_scored, 1)


def with_stats(queryset):
    """Trainings with counts and sums over their trainees, in the same query."""
    scored = Q(trainees__pre_score__isnull=False, trainees__post_score__isnull=False)
    return queryset.annotate(
        n_trainees=Count("trainees"),
        n_women=Count("trainees", filter=Q(trainees__sex=Sex.WOMAN)),
        days_attended_sum=Sum("trainees__days_attended"),
        n_scored=Count("trainees", filter=scored),
        pre_sum=Sum("trainees__pre_score", filter=scored),
        post_sum=Sum("trainees__post_score", filter=scored),
    )


def register() -> None:
    """Called from ``CommunesConfig.ready()``."""
    from .steps import register_step

    register_step(
        1,
        url_name="awareness_list",
        checklist=awareness_checklist,
        figures=awareness_figures,
        export=awareness_export,
    )
    register_step(
        2,
        url_name="training_list",
        checklist=training_checklist,
        figures=training_figures,
        export=training_export,
    )


__all__ = ["register", "with_stats", "training_list_stats"]
