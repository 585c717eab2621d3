"""The read model of step 3 (participatory diagnosis): what the step holds for cycles.

``cycle_stats`` takes a batch of cycles and runs three queries whatever its size
(aggregates grouped by cycle). Every figure of the step is computed here,
once: the tracker, the summary page, the PAC annex and the dossier read it from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from communes.bilingual import bi_text
from communes.numbers import rounded
from communes.selectors import PeopleTotals, share_of, share_text
from communes.steps import (
    AnnexSection,
    Bi,
    ChecklistItem,
    Figure,
    StepSummary,
    bi_name,
    bi_title,
    choice_label,
)

from .models import (
    AgeBand,
    ConsultationSession,
    Finding,
    IdeaFinding,
    MigrationFigure,
    Participation,
    ProjectIdea,
)


@dataclass
class CycleStats(PeopleTotals):
    sessions: int = 0
    sessions_with_participants: int = 0
    migrant_women: int = 0
    migrant_men: int = 0
    findings: int = 0
    ideas: int = 0
    linked_ideas: int = 0

    @property
    def migrant_participants(self) -> int:
        return self.migrant_women + self.migrant_men

    @property
    def migrant_share(self) -> Decimal | None:
        """Migrants among consultation participants, in percent (exact)."""
        return share_of(self.migrant_participants, self.participants)

    @property
    def migrant_women_share(self) -> Decimal | None:
        return share_of(self.migrant_women, self.migrant_participants)

    @property
    def women_percent(self) -> int | None:
        return rounded(self.women_share)

    @property
    def migrant_percent(self) -> int | None:
        return rounded(self.migrant_share)

    @property
    def migrant_women_percent(self) -> int | None:
        return rounded(self.migrant_women_share)


def cycle_stats(cycles: Sequence) -> dict[int, CycleStats]:
    """Three grouped queries for any number of cycles: the sessions joined to their
    participations, the ideas joined to their findings, the findings - each grouped by cycle
    (no correlated subquery: the database reads each table once, whatever the number of
    cycles, and Django compiles three small queries instead of eleven subqueries)."""
    ids = [c.pk for c in cycles]
    stats = {pk: CycleStats() for pk in ids}
    migrant = Q(participations__group__is_migrant=True)
    for row in (
        ConsultationSession.objects.filter(cycle__in=ids)
        .values("cycle")
        .annotate(
            n_sessions=Count("pk", distinct=True),
            with_people=Count(
                "pk",
                filter=Q(participations__women__gt=0) | Q(participations__men__gt=0),
                distinct=True,
            ),
            first=Min("date"),
            last=Max("date"),
            women=Sum("participations__women"),
            men=Sum("participations__men"),
            migrant_women=Sum("participations__women", filter=migrant),
            migrant_men=Sum("participations__men", filter=migrant),
        )
        .order_by()
    ):
        s = stats[row["cycle"]]
        s.sessions = row["n_sessions"]
        s.sessions_with_participants = row["with_people"]
        s.women = row["women"] or 0
        s.men = row["men"] or 0
        s.migrant_women = row["migrant_women"] or 0
        s.migrant_men = row["migrant_men"] or 0
        s.first_date, s.last_date = row["first"], row["last"]
    for row in (
        ProjectIdea.objects.filter(cycle__in=ids)
        .values("cycle")
        .annotate(
            n=Count("pk"),
            # EXISTS rather than a join to the links: no COUNT(DISTINCT), which sorts.
            linked=Count("pk", filter=Exists(IdeaFinding.objects.filter(idea=OuterRef("pk")))),
        )
        .order_by()
    ):
        stats[row["cycle"]].ideas = row["n"]
        stats[row["cycle"]].linked_ideas = row["linked"]
    for row in (
        Finding.objects.filter(cycle__in=ids).values("cycle").annotate(n=Count("pk")).order_by()
    ):
        stats[row["cycle"]].findings = row["n"]
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


def diagnosis_summary_of(s) -> StepSummary:
    """The summary of one cycle from its totals (what ``cycle_stats`` returns for it)."""
    return StepSummary(
        checklist=checklist_from(s),
        figures=[
            Figure(_("Consultation sessions"), s.sessions, s.sessions),
            Figure(_("Participants"), s.participants, s.participants),
            Figure(_("Women among participants"), s.women_share, share_text(s.women_share)),
            Figure(_("Findings"), s.findings, s.findings),
            Figure(_("Project ideas"), s.ideas, s.ideas),
        ],
        totals=s,
    )


# --- Rows the summary page and the annex list -----------------------------------------------------


def participation_by_groups(cycles: Sequence, *, by: str = "") -> dict[int, list[dict]]:
    """``{cycle.pk: [row per group]}``: participants by group and sex, groups in their order
    (1 query for any number of cycles). ``by``, a path from the cycle ("commune__province"),
    sums the cycles by that key instead (a report by region: a row per region and group)."""
    result: dict[int, list[dict]] = {c.pk: [] for c in cycles}
    key = f"session__cycle__{by}" if by else "session__cycle"
    rows = (
        Participation.objects.filter(session__cycle__in=list(result))
        .values(
            key,
            "group__code",
            "group__name_fr",
            "group__name_ar",
            "group__order",
            "group__is_migrant",
        )
        .annotate(women=Sum("women"), men=Sum("men"))
        .order_by(key, "group__order", "group__code")
    )
    if by:
        result = {}
    for row in rows:
        women, men = row["women"] or 0, row["men"] or 0
        women_share = share_of(women, women + men)
        result.setdefault(row[key], []).append(
            {
                "code": row["group__code"],
                "order": row["group__order"],
                "group": Bi(row["group__name_fr"], row["group__name_ar"]),
                "is_migrant": row["group__is_migrant"],
                "women": women,
                "men": men,
                "total": women + men,
                "women_share": women_share,
                "women_percent": rounded(women_share),
            }
        )
    return result


def participation_by_group(cycle) -> list[dict]:
    """Participants of the cycle by group and sex, groups in their order (1 query)."""
    return participation_by_groups([cycle])[cycle.pk]


def participation_by_age_band(cycle) -> list[dict]:
    """Women and men of the sessions counted by age band, bands in their order (1 query)."""
    labels = dict(AgeBand.choices)
    order = [b for b in AgeBand.values if b]
    rows = [
        {"label": labels.get(row["age_band"], row["age_band"]), **row}
        for row in Participation.objects.filter(session__cycle=cycle)
        .exclude(age_band="")
        .values("age_band")
        .annotate(women=Sum("women"), men=Sum("men"))
        .order_by("age_band")
    ]
    rows.sort(key=lambda row: order.index(row["age_band"]))
    return rows


def sessions_by_kind(cycle) -> list[tuple]:
    """``(kind label, number of sessions)`` per kind of consultation session (1 query)."""
    kinds = dict(ConsultationSession.Kind.choices)
    return [
        (kinds.get(row["kind"], row["kind"]), row["n"])
        for row in ConsultationSession.objects.filter(cycle=cycle)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    ]


def migration_profile(cycle):
    """The cycle's migration figures, newest year first within each indicator (1 query)."""
    return MigrationFigure.objects.filter(cycle=cycle).order_by("indicator", "-year", "pk")


def diagnosis_annex(cycle, summary: StepSummary) -> AnnexSection:
    """Step 3's part of the annex: participation, migration profile, findings by sector.

    Queries: participation by group (1) + migration profile (1) + findings (1) + their groups (1).
    """
    s = summary.totals
    findings = list(
        Finding.objects.filter(cycle=cycle)
        .select_related("sector")
        .prefetch_related("groups")
        .order_by("sector__order", "sector__code", "-severity", "number")
    )
    sectors: dict[str, dict] = {}
    for f in findings:
        sector = sectors.setdefault(f.sector.code, {"sector": bi_name(f.sector), "findings": []})
        sector["findings"].append(
            {
                "code": f.code,
                "title": bi_title(f),
                "description": bi_text(f, "description"),
                "severity": f.severity,
                "severity_label": choice_label(Finding.Severity, f.severity),
                "groups": [bi_name(g) for g in f.groups.all()],
                "women_view": bi_text(f, "women_view"),
                "men_view": bi_text(f, "men_view"),
            }
        )
    return AnnexSection(
        first_date=s.first_date,
        last_date=s.last_date,
        figures=[
            (_("Consultation sessions"), s.sessions, "int"),
            (_("Participants"), s.participants, "int"),
            (_("Women among participants"), s.women_share, "percent"),
            (_("Findings"), s.findings, "int"),
            (_("Project ideas"), s.ideas, "int"),
        ],
        data={
            "participants_by_group": [
                {k: row[k] for k in ("group", "women", "men", "total", "women_share")}
                for row in participation_by_group(cycle)
            ],
            "participants_total": {
                "women": s.women,
                "men": s.men,
                "total": s.participants,
                "women_share": s.women_share,
            },
            "migration_profile": [
                {
                    "indicator": choice_label(MigrationFigure.Indicator, f.indicator),
                    **_figure(f),
                    "label": bi_text(f, "label"),
                    "source": bi_text(f, "source"),
                }
                for f in migration_profile(cycle)
            ],
            "findings_by_sector": list(sectors.values()),
            "findings_count": len(findings),
        },
    )


def _figure(f: MigrationFigure) -> dict:
    """What a migration profile figure says, in the annex data and in the export alike."""
    return {
        "label": f.label,
        "label_ar": f.label_ar,
        "total": f.total,
        "women": f.women,
        "men": f.men,
        "source": f.source,
        "source_ar": f.source_ar,
        "year": f.year,
    }


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
            {"uuid": str(f.uuid), "indicator": f.indicator, **_figure(f)} for f in figures_qs
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
                "description_ar": f.description_ar,
                "sector": f.sector.code,
                "groups": sorted(g.code for g in f.groups.all()),
                "women_view": f.women_view,
                "women_view_ar": f.women_view_ar,
                "men_view": f.men_view,
                "men_view_ar": f.men_view_ar,
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


def register() -> None:
    """Called from ``DiagnosticsConfig.ready()``."""
    from communes.steps import register_step

    register_step(
        3,
        url_name="diagnostics:summary",
        totals=cycle_stats,
        summary_of=diagnosis_summary_of,
        annex=diagnosis_annex,
        export=export,
    )
