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
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .concurrency import check_version
from .errors import ServiceError, StepLocked
from .models import Commune, PlanningCycle, StepStatus, User
from .numbers import listing
from .steps import STEP_NUMBERS

Status = StepStatus.Status


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


def _lock_step(cycle: PlanningCycle, step: int) -> StepStatus:
    status, _created = StepStatus.objects.select_for_update().get_or_create(cycle=cycle, step=step)
    return status


def _move(status: StepStatus, to: str, by: User | None, comment: str = "") -> StepStatus:
    status.status = to
    status.changed_by = by
    status.changed_at = timezone.now()
    status.comment = comment
    status.save()
    return status


@transaction.atomic
def step_mark_in_progress(*, cycle: PlanningCycle, step: int, by: User | None) -> StepStatus:
    """A step with its first record moves from "not started" to "in progress"."""
    status = _lock_step(cycle, step)
    if status.status == Status.NOT_STARTED:
        _move(status, Status.IN_PROGRESS, by)
    return status


@transaction.atomic
def step_write(*, cycle: PlanningCycle, step: int, by: User | None, start: bool = True):
    """Open a write to a step's records, first thing in the writing transaction.

    Locks the step's status, so a submission waits for the write or the write for it;
    refuses (``StepLocked``) while the step is submitted or validated, whatever the door saw
    when the page was opened; with ``start``, a step that was not started is now in progress.
    """
    status = _lock_step(cycle, step)
    if status.is_locked_for_commune:
        raise StepLocked(step)
    if start and status.status == Status.NOT_STARTED:
        _move(status, Status.IN_PROGRESS, by)
    return status


@transaction.atomic
def step_submit(*, cycle: PlanningCycle, step: int, by: User | None) -> StepStatus:
    """The commune sends a complete step for review; it becomes read-only for the commune."""
    from .tracker import step_row

    status = _lock_step(cycle, step)
    if status.status not in StepStatus.SUBMITTABLE:
        raise ValidationError(
            _("This step is already %(status)s.") % {"status": status.get_status_display()}
        )
    # This step's checklist only, not the whole tracker.
    row = step_row(cycle, status, step)
    if not row.complete:
        raise ValidationError(
            _("This step cannot be submitted yet. Still missing: %(missing)s")
            % {"missing": listing(row.missing, long_items=True) or _("its records")}
        )
    return _move(status, Status.SUBMITTED, by)


@transaction.atomic
def step_review(
    *, cycle: PlanningCycle, step: int, by: User | None, validate: bool, comment: str = ""
) -> StepStatus:
    """A coordinator validates a submitted step, or returns it with a comment."""
    status = _lock_step(cycle, step)
    if status.status not in {Status.SUBMITTED, Status.VALIDATED}:
        raise ValidationError(_("Only a submitted step can be reviewed."))
    if not validate and not comment.strip():
        raise ValidationError({"comment": _("Say what the commune must change.")})
    return _move(status, Status.VALIDATED if validate else Status.RETURNED, by, comment)


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
    names = [a.file.name for a in session.attachments.all()]
    session.delete()
    _delete_files_on_commit(names)


def session_attachment_add(*, session, kind: str, upload, content_type: str, by: User | None):
    """Store an uploaded file (already checked by content) as an attachment of a session."""
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
            attachment.full_clean()
            attachment.save()
    except Exception:
        # The row was not written: do not leave its file behind.
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def session_attachment_delete(*, attachment, by: User | None) -> None:
    step_write(cycle=attachment.session.cycle, step=1, by=by, start=False)
    name = attachment.file.name
    attachment.delete()
    _delete_files_on_commit([name])


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
