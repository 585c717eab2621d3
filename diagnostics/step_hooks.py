"""What the step tracker needs from step 3: checklist, figures and the dossier export.

``checklist`` and ``figures`` take a batch of cycles and run four queries whatever
its size (one aggregate per record type, grouped by cycle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from communes.numbers import percent
from communes.steps import ChecklistItem

from .models import ConsultationSession, Finding, MigrationFigure, Participation, ProjectIdea


@dataclass
class CycleStats:
    sessions: int = 0
    sessions_with_participants: int = 0
    women: int = 0
    men: int = 0
    migrant_women: int = 0
    migrant_men: int = 0
    findings: int = 0
    ideas: int = 0
    linked_ideas: int = 0

    @property
    def participants(self) -> int:
        return self.women + self.men

    @property
    def migrant_participants(self) -> int:
        return self.migrant_women + self.migrant_men

    @property
    def women_percent(self) -> int | None:
        return round(100 * self.women / self.participants) if self.participants else None

    @property
    def migrant_percent(self) -> int | None:
        if not self.participants:
            return None
        return round(100 * self.migrant_participants / self.participants)


def cycle_stats(cycles: Sequence) -> dict[int, CycleStats]:
    """Four queries for any number of cycles."""
    ids = [c.pk for c in cycles]
    stats = {pk: CycleStats() for pk in ids}
    has_people = Q(participations__women__gt=0) | Q(participations__men__gt=0)
    for row in (
        ConsultationSession.objects.filter(cycle_id__in=ids)
        .values("cycle_id")
        .annotate(
            n=Count("pk", distinct=True),
            with_people=Count("pk", filter=has_people, distinct=True),
        )
        .order_by()
    ):
        stats[row["cycle_id"]].sessions = row["n"]
        stats[row["cycle_id"]].sessions_with_participants = row["with_people"]
    for row in (
        Participation.objects.filter(session__cycle_id__in=ids)
        .values("session__cycle_id", "group__is_migrant")
        .annotate(w=Sum("women"), m=Sum("men"))
        .order_by()
    ):
        s = stats[row["session__cycle_id"]]
        s.women += row["w"] or 0
        s.men += row["m"] or 0
        if row["group__is_migrant"]:
            s.migrant_women += row["w"] or 0
            s.migrant_men += row["m"] or 0
    for row in (
        Finding.objects.filter(cycle_id__in=ids)
        .values("cycle_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        stats[row["cycle_id"]].findings = row["n"]
    for row in (
        ProjectIdea.objects.filter(cycle_id__in=ids)
        .values("cycle_id")
        .annotate(
            n=Count("pk", distinct=True),
            linked=Count("pk", filter=Q(finding_links__isnull=False), distinct=True),
        )
        .order_by()
    ):
        stats[row["cycle_id"]].ideas = row["n"]
        stats[row["cycle_id"]].linked_ideas = row["linked"]
    return stats


def checklist_from(stats: CycleStats) -> list[ChecklistItem]:
    return [
        ChecklistItem(
            _("At least one consultation session with participants"),
            stats.sessions_with_participants > 0,
        ),
        ChecklistItem(_("At least one migrant group heard"), stats.migrant_participants > 0),
        ChecklistItem(_("At least one finding"), stats.findings > 0),
        ChecklistItem(_("At least one project idea linked to a finding"), stats.linked_ideas > 0),
    ]


def figures_from(stats: CycleStats) -> list[tuple[str, object]]:
    return [
        (_("Consultation sessions"), stats.sessions),
        (_("Participants"), stats.participants),
        (_("Women among participants"), percent(stats.women, stats.participants)),
        (_("Findings"), stats.findings),
        (_("Project ideas"), stats.ideas),
    ]


def checklist(cycles: Sequence) -> dict[int, list[ChecklistItem]]:
    return {pk: checklist_from(s) for pk, s in cycle_stats(cycles).items()}


def figures(cycles: Sequence) -> dict[int, list[tuple[str, object]]]:
    return {pk: figures_from(s) for pk, s in cycle_stats(cycles).items()}


def _iso(value):
    return value.isoformat() if value else None


def export(cycle) -> dict:
    """Step 3 records as JSON-ready data (codes, not database ids, for references)."""
    sessions = (
        ConsultationSession.objects.filter(cycle=cycle)
        .order_by("date", "pk")
        .prefetch_related("participations__group")
    )
    findings = (
        Finding.objects.filter(cycle=cycle)
        .order_by("number")
        .select_related("sector")
        .prefetch_related("groups", "sessions")
    )
    ideas = (
        ProjectIdea.objects.filter(cycle=cycle)
        .order_by("number")
        .select_related("sector")
        .prefetch_related("target_groups", "finding_links__finding")
    )
    figures_qs = MigrationFigure.objects.filter(cycle=cycle).order_by("indicator", "year", "pk")
    return {
        "migration_profile": [
            {
                "uuid": str(f.uuid),
                "indicator": f.indicator,
                "label": f.label,
                "total": f.total,
                "women": f.women,
                "men": f.men,
                "source": f.source,
                "year": f.year,
            }
            for f in figures_qs
        ],
        "sessions": [
            {
                "uuid": str(s.uuid),
                "title": s.title,
                "title_ar": s.title_ar,
                "kind": s.kind,
                "date": _iso(s.date),
                "place": s.place,
                "facilitator": s.facilitator,
                "languages": list(s.languages or []),
                "by_age_band": s.by_age_band,
                "notes": s.notes,
                "participants": [
                    {
                        "group": p.group.code,
                        "age_band": p.age_band,
                        "women": p.women,
                        "men": p.men,
                    }
                    for p in sorted(
                        s.participations.all(), key=lambda p: (p.group.order, p.age_band)
                    )
                ],
            }
            for s in sessions
        ],
        "findings": [
            {
                "uuid": str(f.uuid),
                "code": f.code,
                "title": f.title,
                "title_ar": f.title_ar,
                "description": f.description,
                "sector": f.sector.code,
                "groups": sorted(g.code for g in f.groups.all()),
                "women_view": f.women_view,
                "men_view": f.men_view,
                "severity": f.severity,
                "sessions": sorted(str(s.uuid) for s in f.sessions.all()),
            }
            for f in findings
        ],
        "ideas": [
            {
                "uuid": str(i.uuid),
                "code": i.code,
                "title": i.title,
                "title_ar": i.title_ar,
                "description": i.description,
                "sector": i.sector.code,
                "target_groups": sorted(g.code for g in i.target_groups.all()),
                "beneficiaries_women": i.beneficiaries_women,
                "beneficiaries_men": i.beneficiaries_men,
                "proposed_by": i.proposed_by,
                "findings": sorted(link.finding.code for link in i.finding_links.all()),
            }
            for i in ideas
        ],
    }
