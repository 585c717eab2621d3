"""Writes that touch several rows: keyword-only, atomic, named <entity>_<verb>.

The write convention of every app's services: they take plain validated data (an unsaved or
changed model instance, the version its form was loaded with, related rows as lists or
dicts; never a form), check that version with ``communes.concurrency.check_version``, write
a step's records only through ``step_write`` (which refuses a submitted or validated step),
and refuse with ``communes.errors.ServiceError`` (a ``ValidationError``). Views run them
through ``communes.writes.attempt``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from . import permissions, workflow
from .concurrency import StaleRecord, check_version
from .errors import ServiceError, StepLocked
from .models import Commune, PlanningCycle, StepEvent, StepStatus, User
from .numbers import listing
from .steps import STEP_NUMBERS

Status = StepStatus.Status
Action = workflow.Action
Actor = workflow.Actor


@transaction.atomic
def cycle_open(
    *, commune: Commune, start_year: int, by: User | None, length: int | None = None
) -> PlanningCycle:
    """Open a PAC cycle and its five step statuses (all "not started")."""
    length = length or PlanningCycle.DEFAULT_LENGTH
    end_year = start_year + length - 1
    overlapping = commune.cycles.filter(start_year__lte=end_year, end_year__gte=start_year)
    if overlapping.exists():
        raise ServiceError(
            {
                "start_year": _("This period overlaps the PAC %(period)s of this commune.")
                % {"period": overlapping.first().period}
            }
        )
    cycle = PlanningCycle(commune=commune, start_year=start_year, end_year=end_year)
    cycle.full_clean()
    cycle.save()
    bulk_create_with_history(
        [
            StepStatus(cycle=cycle, step=number, changed_by=by, changed_at=timezone.now())
            for number in STEP_NUMBERS
        ],
        StepStatus,
        default_user=by,
    )
    return cycle


def _lock_steps(cycle: PlanningCycle) -> dict[int, StepStatus]:
    """Lock the cycle's five statuses (always in step order, so two reviews cannot deadlock)."""
    statuses = {
        s.step: s
        for s in StepStatus.objects.select_for_update().filter(cycle=cycle).order_by("step")
    }
    for number in STEP_NUMBERS:
        if number not in statuses:
            statuses[number], _created = StepStatus.objects.select_for_update().get_or_create(
                cycle=cycle, step=number
            )
    return statuses


def _move(
    status: StepStatus,
    action: str,
    to: str,
    by: User | None,
    comment: str = "",
    with_step: int | None = None,
) -> StepStatus:
    """Change a step's state and add the move to its review thread."""
    now = timezone.now()
    StepEvent.objects.create(
        cycle_id=status.cycle_id,
        step=status.step,
        action=action,
        from_status=status.status,
        to_status=to,
        by=by,
        at=now,
        comment=comment,
        with_step=with_step,
    )
    status.status = to
    status.changed_by = by
    status.changed_at = now
    status.comment = comment
    status.save()
    return status


def _actor(by: User | None, cycle: PlanningCycle, action: str) -> str:
    """The part ``by`` plays for this action on the cycle's commune (no user: a loader)."""
    wanted = workflow.TRANSITIONS[action].actor
    may = permissions.can_edit_commune if wanted == Actor.EDITOR else permissions.can_review_commune
    return wanted if by is None or may(by, cycle.commune) else Actor.READER


def _check_seen(status: StepStatus, seen_at) -> None:
    """The reviewer decided on the state the page showed, not on a later resubmission."""
    if seen_at is not None and status.changed_at != seen_at:
        raise StaleRecord


def _required(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def _reopen_dependents(
    statuses: dict[int, StepStatus], step: int, to: str, by, comment: str, confirm
) -> list[int]:
    """Reopen the validated later steps that rest on ``step``, once the reviewer confirmed them."""
    affected = workflow.reopened_with(step, {n: s.status for n, s in statuses.items()})
    if affected and sorted(int(n) for n in confirm) != affected:
        raise ValidationError(
            {
                "confirm": _(
                    "%(steps)s, validated, rest on this step's records and will be reopened "
                    "with it: confirm to go on."
                )
                % {"steps": capfirst(workflow.step_names(affected))}
            }
        )
    for number in affected:
        _move(statuses[number], Action.REOPEN, to, by, comment, with_step=step)
    return affected


@transaction.atomic
def step_mark_in_progress(*, cycle: PlanningCycle, step: int, by: User | None) -> StepStatus:
    """A step with its first record moves from "not started" to "in progress"."""
    status = StepStatus.objects.select_for_update().get_or_create(cycle=cycle, step=step)[0]
    if workflow.allowed(Action.START, Actor.EDITOR, status.status):
        _move(status, Action.START, Status.IN_PROGRESS, by)
    return status


@transaction.atomic
def step_write(*, cycle: PlanningCycle, step: int, by: User | None, start: bool = True):
    """Open a write to a step's records, first thing in the writing transaction.

    Locks the step's status, so a submission waits for the write or the write for it;
    refuses (``StepLocked``) while the step is submitted or validated, whatever the door saw
    when the page was opened; with ``start``, a step that was not started is now in progress.
    """
    status = StepStatus.objects.select_for_update().get_or_create(cycle=cycle, step=step)[0]
    if status.is_locked_for_commune:
        raise StepLocked(step)
    if start and workflow.allowed(Action.START, Actor.EDITOR, status.status):
        _move(status, Action.START, Status.IN_PROGRESS, by)
    return status


@transaction.atomic
def step_submit(*, cycle: PlanningCycle, step: int, by: User | None) -> StepStatus:
    """The commune sends a complete step for review; it becomes read-only for the commune."""
    from .tracker import step_row

    status = _lock_steps(cycle)[step]
    to = workflow.target(Action.SUBMIT, _actor(by, cycle, Action.SUBMIT), status.status)
    # This step's checklist only, not the whole tracker.
    row = step_row(cycle, status, step)
    if not row.complete:
        raise workflow.TransitionRefused(
            _("This step cannot be submitted yet. Still missing: %(missing)s")
            % {"missing": listing(row.missing, long_items=True) or _("its records")}
        )
    return _move(status, Action.SUBMIT, to, by)


@transaction.atomic
def step_validate(
    *, cycle: PlanningCycle, step: int, by: User | None, comment: str = "", seen_at=None
) -> StepStatus:
    """A reviewer validates a submitted step: its checklist complete and the steps it rests on
    sent (see ``communes.workflow``), both checked here whatever the page offered."""
    from .tracker import step_row

    statuses = _lock_steps(cycle)
    status = statuses[step]
    to = workflow.target(Action.VALIDATE, _actor(by, cycle, Action.VALIDATE), status.status)
    _check_seen(status, seen_at)
    waiting = workflow.waiting_for(step, {n: s.status for n, s in statuses.items()})
    if waiting:
        raise workflow.TransitionRefused(workflow.waiting_message(waiting))
    row = step_row(cycle, status, step)
    if not row.complete:
        raise workflow.TransitionRefused(
            _(
                "This step cannot be validated: its checklist is not complete. Still missing: "
                "%(missing)s"
            )
            % {"missing": listing(row.missing, long_items=True) or _("its records")}
        )
    return _move(status, Action.VALIDATE, to, by, (comment or "").strip())


@transaction.atomic
def step_return(
    *,
    cycle: PlanningCycle,
    step: int,
    by: User | None,
    comment: str,
    confirm: tuple[int, ...] = (),
    seen_at=None,
) -> StepStatus:
    """A reviewer sends a submitted step back to the commune with what it must change."""
    statuses = _lock_steps(cycle)
    status = statuses[step]
    to = workflow.target(Action.RETURN, _actor(by, cycle, Action.RETURN), status.status)
    _check_seen(status, seen_at)
    comment = _required(comment, "comment", _("Say what the commune must change."))
    _reopen_dependents(statuses, step, Status.RETURNED, by, comment, confirm)
    return _move(status, Action.RETURN, to, by, comment)


@transaction.atomic
def step_reopen(
    *,
    cycle: PlanningCycle,
    step: int,
    by: User | None,
    reason: str,
    to: str = Status.IN_PROGRESS,
    confirm: tuple[int, ...] = (),
    seen_at=None,
) -> StepStatus:
    """A reviewer opens a validated step again (in progress, or returned to the commune),
    with the reason; the validated later steps resting on it are reopened with it."""
    statuses = _lock_steps(cycle)
    status = statuses[step]
    to = workflow.target(Action.REOPEN, _actor(by, cycle, Action.REOPEN), status.status, to)
    _check_seen(status, seen_at)
    reason = _required(reason, "reason", _("Say why the step is reopened."))
    _reopen_dependents(statuses, step, to, by, reason, confirm)
    return _move(status, Action.REOPEN, to, by, reason)


def step_review(
    *, cycle: PlanningCycle, step: int, by: User | None, validate: bool, comment: str = ""
) -> StepStatus:
    """Validate or return a submitted step (kept for the demo loaders)."""
    if validate:
        return step_validate(cycle=cycle, step=step, by=by, comment=comment)
    return step_return(cycle=cycle, step=step, by=by, comment=comment)


# --- Steps 1-2: awareness sessions and trainings -------------------------------------------


def _delete_files_on_commit(names: list[str]) -> None:
    """Remove stored files once the deletion of their rows is committed (never before)."""
    from django.core.files.storage import default_storage

    def remove() -> None:
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(remove)


@transaction.atomic
def awareness_session_save(
    *,
    session,
    attendance: dict[str, tuple[int, int]],
    by: User | None,
    loaded_version: int | None = None,
):
    """Create or update a session and its attendance grid in one go.

    ``attendance`` maps an audience category to ``(women, men)``; categories with
    nobody are not stored (and a row that drops to zero is removed).
    """
    from .records import AudienceCategory, SessionAttendance

    step_write(cycle=session.cycle, step=1, by=by)
    check_version(session, loaded_version)
    session.full_clean()
    session.save()
    existing = {row.category: row for row in session.attendance.all()}
    for category, (women, men) in attendance.items():
        if category not in AudienceCategory.values:
            raise ServiceError(
                _("Unknown audience category: %(category)s") % {"category": category}
            )
        row = existing.get(category)
        if women + men == 0:
            if row is not None:
                row.delete()
            continue
        if row is None:
            row = SessionAttendance(session=session, category=category)
        elif (row.women, row.men) == (women, men):
            continue
        row.women, row.men = women, men
        row.full_clean()
        row.save()
    return session


@transaction.atomic
def awareness_session_delete(*, session, by: User | None) -> None:
    """Delete a session, its attendance and its attachments (files removed after commit)."""
    step_write(cycle=session.cycle, step=1, by=by, start=False)
    names = [name for a in session.attachments.all() for name in (a.file.name, a.thumbnail.name)]
    session.delete()
    _delete_files_on_commit(names)


def session_attachment_add(
    *,
    session,
    kind: str,
    upload,
    content_type: str,
    by: User | None,
    thumbnail: bytes | None = None,
):
    """Store an uploaded file (already checked by content) as an attachment of a session,
    with the thumbnail of an image next to it (``communes.images.thumbnail``)."""
    from django.core.files.base import ContentFile

    from .records import SessionAttachment

    attachment = SessionAttachment(
        session=session,
        kind=kind,
        original_name=(upload.name or "")[-200:],
        content_type=content_type,
        size=upload.size,
    )
    try:
        with transaction.atomic():
            step_write(cycle=session.cycle, step=1, by=by)
            attachment.file.save("upload", upload, save=False)
            if thumbnail:
                attachment.thumbnail.save("thumbnail", ContentFile(thumbnail), save=False)
            attachment.full_clean()
            attachment.save()
    except Exception:
        # The row was not written: do not leave its files behind.
        for stored in (attachment.file, attachment.thumbnail):
            if stored.name:
                stored.storage.delete(stored.name)
        raise
    return attachment


@transaction.atomic
def session_attachment_delete(*, attachment, by: User | None) -> None:
    step_write(cycle=attachment.session.cycle, step=1, by=by, start=False)
    names = [attachment.file.name, attachment.thumbnail.name]
    attachment.delete()
    _delete_files_on_commit(names)


@transaction.atomic
def training_save(
    *,
    training,
    trainees: list,
    removed: list,
    by: User | None,
    loaded_version: int | None = None,
):
    """Create or update a training with its trainees (added, changed and removed rows)."""
    step_write(cycle=training.cycle, step=2, by=by)
    check_version(training, loaded_version)
    training.full_clean()
    training.save()
    for trainee in removed:
        if trainee.pk:
            trainee.delete()
    for trainee in trainees:
        trainee.training = training
        # The row form has validated the fields and constraints already; checking them again
        # here cost five queries per trainee. The database constraints still hold the line.
        trainee.full_clean(exclude=["training"], validate_constraints=False)
        trainee.save()
    return training


@transaction.atomic
def training_delete(*, training, by: User | None) -> None:
    step_write(cycle=training.cycle, step=2, by=by, start=False)
    training.delete()
