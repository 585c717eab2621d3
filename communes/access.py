"""The access door: every view fetches territorial objects through these helpers.

Outside the user's territory the object does not exist for them (404); inside
it, a user without the right to write gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from . import permissions
from .models import Commune, PlanningCycle, Region, StepStatus
from .steps import STEP_NUMBERS


def get_commune_for_user(request, code: str, *, write: bool = False) -> Commune:
    commune = get_object_or_404(
        Commune.objects.visible_to(request.user).with_territory(), code=code
    )
    if write and not permissions.can_edit_commune(request.user, commune):
        raise PermissionDenied
    return commune


def get_region_for_user(request, code: str) -> Region:
    return get_object_or_404(Region.objects.visible_to(request.user), code=code)


def get_cycle_for_user(
    request, code: str, start_year: int, *, write: bool = False
) -> PlanningCycle:
    cycle = get_object_or_404(
        PlanningCycle.objects.visible_to(request.user).select_related("commune__province__region"),
        commune__code=code,
        start_year=start_year,
    )
    if write and not permissions.can_edit_commune(request.user, cycle.commune):
        raise PermissionDenied
    return cycle


class StepAccess:
    """One step of a cycle as the user may see it: what every step page starts from.

    Queries: the cycle through the door (1) + the step's status (1); the user's scope is
    read once per request. ``summary`` adds the step's selector (read once per page, shared
    by the panel and the page's own figures).
    """

    def __init__(self, request, cycle: PlanningCycle, number: int, *, write: bool = False):
        self.request = request
        self.cycle = cycle
        self.number = number
        self.status = StepStatus.objects.filter(cycle=cycle, step=number).first() or StepStatus(
            cycle=cycle, step=number
        )
        user = request.user
        self.can_edit = permissions.can_edit_step(user, cycle, self.status)
        self.can_edit_commune = permissions.can_edit_commune(user, cycle.commune)
        if write and not self.can_edit:
            if self.can_edit_commune:
                # An editor of the commune: the step's state is the reason, shown on the 403 page.
                raise PermissionDenied(
                    _("Step %(number)s is read-only while it is submitted or validated.")
                    % {"number": number}
                )
            raise PermissionDenied
        self.can_review = permissions.can_review_commune(user, cycle.commune)

    @property
    def commune(self):
        return self.cycle.commune

    def url(self, name: str, *args) -> str:
        return reverse(name, args=[self.commune.code, self.cycle.start_year, *args])

    @cached_property
    def summary(self):
        """This step's ``StepSummary`` for the cycle (its selector's queries, once)."""
        from .tracker import step_summary

        return step_summary(self.cycle, self.number)

    def row(self):
        """The step panel's row: this step's status, checklist and figures."""
        from .tracker import step_row

        return step_row(self.cycle, self.status, self.number, self.summary)

    def context(self, **extra) -> dict:
        return {
            "cycle": self.cycle,
            "commune": self.commune,
            "step_status": self.status,
            "can_edit": self.can_edit,
            "can_edit_commune": self.can_edit_commune,
            "can_review": self.can_review,
            **extra,
        }


def get_step_for_user(request, code: str, year: int, step: int, *, write: bool = False):
    """The door for step pages: outsider 404, a read-only user or a locked step 403 on writes."""
    if step not in STEP_NUMBERS:
        raise Http404
    cycle = get_cycle_for_user(request, code, year, write=write)
    return StepAccess(request, cycle, step, write=write)
