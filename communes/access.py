"""The access door: every view fetches territorial objects through these helpers.

Outside the user's territory the object does not exist for them (404); inside
it, a user without the right to write gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from . import permissions
from .models import Commune, PlanningCycle, Region


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
