"""Writes that touch several rows: keyword-only, atomic, named <entity>_<verb>."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Commune, PlanningCycle, StepStatus, User
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
        raise ValidationError(
            {"start_year": _("This period overlaps the PAC %(period)s of this commune.")
             % {"period": overlapping.first().period}}
        )
    cycle = PlanningCycle(commune=commune, start_year=start_year, end_year=end_year)
    cycle.full_clean()
    cycle.save()
    StepStatus.objects.bulk_create(
        StepStatus(cycle=cycle, step=number, changed_by=by, changed_at=timezone.now())
        for number in STEP_NUMBERS
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
def step_submit(*, cycle: PlanningCycle, step: int, by: User | None) -> StepStatus:
    """The commune sends a complete step for review; it becomes read-only for the commune."""
    from .tracker import build_trackers

    status = _lock_step(cycle, step)
    if status.status not in {Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED}:
        raise ValidationError(_("This step is already %(status)s.") % {
            "status": status.get_status_display()})
    cycle = PlanningCycle.objects.prefetch_related("steps").select_related("commune").get(
        pk=cycle.pk
    )
    row = build_trackers([cycle])[cycle.pk][step - 1]
    if not row.complete:
        raise ValidationError(
            _("This step cannot be submitted yet. Still missing: %(missing)s")
            % {"missing": "; ".join(str(m) for m in row.missing) or _("its records")}
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
