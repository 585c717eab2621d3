"""Writes of step 3: keyword-only, atomic, named <entity>_<verb>.

Each save locks the edited row and checks the version the form was loaded with
(``form.check_version()``), so a concurrent edit is refused, not lost. Rows are
saved one by one (never ``bulk_create``) so that the history keeps every change.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from communes.models import PlanningCycle, User
from communes.numbers import listing
from communes.services import step_mark_in_progress

from .forms import FigureForm, FindingForm, IdeaForm, ParticipationGrid, SessionForm
from .models import (
    STEP,
    ConsultationSession,
    Finding,
    IdeaFinding,
    MigrationFigure,
    Participation,
    ProjectIdea,
)


@transaction.atomic
def session_save(
    *, cycle: PlanningCycle, form: SessionForm, grid: ParticipationGrid, by: User | None
) -> ConsultationSession:
    """Save a session and its participants grid (cells left empty or at 0 are not stored)."""
    form.check_version()
    session = form.save(commit=False)
    session.cycle = cycle
    session.by_age_band = grid.by_age_band
    session.save()
    wanted = grid.counts()
    current = {(p.group_id, p.age_band): p for p in session.participations.all()}
    for key, row in current.items():
        if key not in wanted:
            row.delete()
    for (group_id, band), (women, men) in wanted.items():
        row = current.get((group_id, band))
        if row is None:
            Participation.objects.create(
                session=session, group_id=group_id, age_band=band, women=women, men=men
            )
        elif (row.women, row.men) != (women, men):
            row.women, row.men = women, men
            row.save()
    step_mark_in_progress(cycle=cycle, step=STEP, by=by)
    return session


@transaction.atomic
def figure_save(*, cycle: PlanningCycle, form: FigureForm, by: User | None) -> MigrationFigure:
    form.check_version()
    figure = form.save(commit=False)
    figure.cycle = cycle
    figure.save()
    step_mark_in_progress(cycle=cycle, step=STEP, by=by)
    return figure


@transaction.atomic
def finding_save(*, cycle: PlanningCycle, form: FindingForm, by: User | None) -> Finding:
    form.check_version()
    finding = form.save(commit=False)
    finding.cycle = cycle
    finding.save()
    form.save_m2m()
    step_mark_in_progress(cycle=cycle, step=STEP, by=by)
    return finding


@transaction.atomic
def idea_save(*, cycle: PlanningCycle, form: IdeaForm, by: User | None) -> ProjectIdea:
    """Save an idea and the findings it answers (one at least; links kept in the history)."""
    findings = list(form.cleaned_data["findings"])
    if not findings:
        raise ValidationError({"findings": _("Choose at least one finding this idea answers.")})
    if any(f.cycle_id != cycle.pk for f in findings):
        raise ValidationError({"findings": _("A finding of another PAC cycle cannot be linked.")})
    form.check_version()
    idea = form.save(commit=False)
    idea.cycle = cycle
    idea.save()
    form.save_m2m()
    wanted = {f.pk for f in findings}
    for link in idea.finding_links.all():
        if link.finding_id not in wanted:
            link.delete()
        else:
            wanted.discard(link.finding_id)
    for finding_id in sorted(wanted):
        IdeaFinding.objects.create(idea=idea, finding_id=finding_id)
    step_mark_in_progress(cycle=cycle, step=STEP, by=by)
    return idea


def _names(records) -> str:
    return listing((f'{r.code} "{r.display_title}"' for r in records), long_items=True)


@transaction.atomic
def finding_delete(*, finding: Finding) -> None:
    """Delete a finding no idea answers; otherwise refuse and name the ideas."""
    ideas = list(
        ProjectIdea.objects.filter(finding_links__finding=finding).distinct().order_by("number")
    )
    if ideas:
        raise ValidationError(
            _(
                "The finding %(finding)s cannot be deleted: the idea %(ideas)s answers it. "
                "Unlink it from that idea first."
            )
            % {"finding": finding.code, "ideas": _names(ideas)}
        )
    try:
        finding.delete()
    except ProtectedError as error:  # a link created meanwhile
        raise ValidationError(
            _("The finding %(finding)s cannot be deleted: an idea answers it.")
            % {"finding": finding.code}
        ) from error


@transaction.atomic
def session_delete(*, session: ConsultationSession) -> None:
    """Delete a session no finding cites; otherwise refuse and name the findings."""
    findings = list(session.findings.order_by("number"))
    if findings:
        raise ValidationError(
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
def idea_delete(*, idea: ProjectIdea) -> None:
    try:
        idea.delete()
    except ProtectedError as error:  # steps 4-5 keep their own records of the idea
        raise ValidationError(
            _("The idea %(idea)s cannot be deleted: the next steps already use it.")
            % {"idea": idea.code}
        ) from error


@transaction.atomic
def figure_delete(*, figure: MigrationFigure) -> None:
    figure.delete()
