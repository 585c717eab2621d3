"""Writes of step 3: keyword-only, atomic, named <entity>_<verb>, on plain validated data.

Each save opens the step for writing (``step_write``: refused once submitted or validated),
locks the edited row and checks the version its form was loaded with (``check_version``), so a
concurrent edit is refused, not lost. Rows are saved one by one (never ``bulk_create``) so
that the history keeps every change.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from communes.concurrency import check_version
from communes.errors import ServiceError
from communes.models import User
from communes.numbers import listing
from communes.services import step_write

from .models import (
    STEP,
    ConsultationSession,
    Finding,
    IdeaFinding,
    MigrationFigure,
    Participation,
    ProjectIdea,
    TargetGroup,
)


@transaction.atomic
def session_save(
    *,
    session: ConsultationSession,
    loaded_version: int | None,
    participation: dict[tuple[int, str], tuple[int, int]],
    by: User | None,
) -> ConsultationSession:
    """Save a session and its participants grid.

    ``participation`` maps (group id, age band) to (women, men); cells left out are removed.
    """
    step_write(cycle=session.cycle, step=STEP, by=by)
    check_version(session, loaded_version)
    session.save()
    current = {(p.group_id, p.age_band): p for p in session.participations.all()}
    for key, row in current.items():
        if key not in participation:
            row.delete()
    for (group_id, band), (women, men) in participation.items():
        row = current.get((group_id, band))
        if row is None:
            Participation.objects.create(
                session=session, group_id=group_id, age_band=band, women=women, men=men
            )
        elif (row.women, row.men) != (women, men):
            row.women, row.men = women, men
            row.save()
    return session


@transaction.atomic
def figure_save(
    *, figure: MigrationFigure, loaded_version: int | None, by: User | None
) -> MigrationFigure:
    step_write(cycle=figure.cycle, step=STEP, by=by)
    check_version(figure, loaded_version)
    figure.save()
    return figure


@transaction.atomic
def finding_save(
    *,
    finding: Finding,
    loaded_version: int | None,
    groups: Iterable[TargetGroup] = (),
    sessions: Iterable[ConsultationSession] = (),
    by: User | None,
) -> Finding:
    """Save a finding with the groups it concerns and the sessions where it was raised."""
    step_write(cycle=finding.cycle, step=STEP, by=by)
    check_version(finding, loaded_version)
    finding.save()
    finding.groups.set(list(groups))
    finding.sessions.set(list(sessions))
    return finding


@transaction.atomic
def idea_save(
    *,
    idea: ProjectIdea,
    loaded_version: int | None,
    findings: Iterable[Finding],
    target_groups: Iterable[TargetGroup] = (),
    by: User | None,
) -> ProjectIdea:
    """Save an idea and the findings it answers (one at least; links kept in the history)."""
    findings = list(findings)
    if not findings:
        raise ServiceError({"findings": _("Choose at least one finding this idea answers.")})
    if any(f.cycle_id != idea.cycle_id for f in findings):
        raise ServiceError({"findings": _("A finding of another PAC cycle cannot be linked.")})
    step_write(cycle=idea.cycle, step=STEP, by=by)
    check_version(idea, loaded_version)
    idea.save()
    idea.target_groups.set(list(target_groups))
    wanted = {f.pk for f in findings}
    for link in idea.finding_links.all():
        if link.finding_id not in wanted:
            link.delete()
        else:
            wanted.discard(link.finding_id)
    for finding_id in sorted(wanted):
        IdeaFinding.objects.create(idea=idea, finding_id=finding_id)
    return idea


def _names(records) -> str:
    return listing((f'{r.code} "{r.display_title}"' for r in records), long_items=True)


@transaction.atomic
def finding_delete(*, finding: Finding, by: User | None = None) -> None:
    """Delete a finding no idea answers; otherwise refuse and name the ideas."""
    step_write(cycle=finding.cycle, step=STEP, by=by, start=False)
    ideas = list(
        ProjectIdea.objects.filter(finding_links__finding=finding).distinct().order_by("number")
    )
    if ideas:
        raise ServiceError(
            _(
                "The finding %(finding)s cannot be deleted: the idea %(ideas)s answers it. "
                "Unlink it from that idea first."
            )
            % {"finding": finding.code, "ideas": _names(ideas)}
        )
    try:
        finding.delete()
    except ProtectedError as error:  # a link created meanwhile
        raise ServiceError(
            _("The finding %(finding)s cannot be deleted: an idea answers it.")
            % {"finding": finding.code}
        ) from error


@transaction.atomic
def session_delete(*, session: ConsultationSession, by: User | None = None) -> None:
    """Delete a session no finding cites; otherwise refuse and name the findings."""
    step_write(cycle=session.cycle, step=STEP, by=by, start=False)
    findings = list(session.findings.order_by("number"))
    if findings:
        raise ServiceError(
            _(
                "This session cannot be deleted: the finding %(findings)s was raised there. "
                "Remove the session from that finding first."
            )
            % {"findings": _names(findings)}
        )
    for row in session.participations.all():
        row.delete()
    session.delete()


@transaction.atomic
def idea_delete(*, idea: ProjectIdea, by: User | None = None) -> None:
    step_write(cycle=idea.cycle, step=STEP, by=by, start=False)
    try:
        idea.delete()
    except ProtectedError as error:  # steps 4-5 keep their own records of the idea
        raise ServiceError(
            _("The idea %(idea)s cannot be deleted: the next steps already use it.")
            % {"idea": idea.code}
        ) from error


@transaction.atomic
def figure_delete(*, figure: MigrationFigure, by: User | None = None) -> None:
    step_write(cycle=figure.cycle, step=STEP, by=by, start=False)
    figure.delete()
