from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import permissions, services
from .access import get_commune_for_user, get_cycle_for_user
from .forms import CycleOpenForm
from .models import PlanningCycle
from .steps import STEP_NUMBERS
from .tracker import build_trackers
from .writes import attempt


def _render_commune(request, commune, cycle, form=None):
    rows = build_trackers([cycle])[cycle.pk] if cycle else []
    can_edit = permissions.can_edit_commune(request.user, commune)
    return render(
        request,
        "communes/commune_detail.html",
        {
            "commune": commune,
            "cycle": cycle,
            "cycles": commune.prefetched_cycles,
            "steps": rows,
            "can_edit": can_edit,
            "can_review": permissions.can_review_commune(request.user, commune),
            "form": form if form is not None else (CycleOpenForm() if can_edit else None),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _commune_with_cycles(request, code):
    # Queries: commune with territory (1) + cycles (1) + their step statuses (1).
    commune = get_commune_for_user(request, code)
    commune.prefetched_cycles = list(
        PlanningCycle.objects.filter(commune=commune)
        .order_by("-start_year")
        .prefetch_related("steps")
    )
    for cycle in commune.prefetched_cycles:
        cycle.commune = commune
    return commune


@require_GET
def commune_detail(request, code):
    """The commune's page: its current PAC cycle and the five-step tracker."""
    commune = _commune_with_cycles(request, code)
    cycle = commune.prefetched_cycles[0] if commune.prefetched_cycles else None
    return _render_commune(request, commune, cycle)


@require_GET
def cycle_detail(request, code, year):
    commune = _commune_with_cycles(request, code)
    cycle = next((c for c in commune.prefetched_cycles if c.start_year == year), None)
    if cycle is None:
        raise Http404
    return _render_commune(request, commune, cycle)


@require_http_methods(["POST"])
def cycle_open(request, code):
    """An editor opens a new PAC cycle for their commune."""
    commune = get_commune_for_user(request, code, write=True)
    form = CycleOpenForm(request.POST)
    if form.is_valid():
        cycle, refused = attempt(
            request,
            lambda: services.cycle_open(
                commune=commune, start_year=form.cleaned_data["start_year"], by=request.user
            ),
            form=form,
        )
        if refused is None:
            messages.success(request, _("PAC %(period)s opened.") % {"period": cycle.period})
            return redirect("cycle", code=commune.code, year=cycle.start_year)
    commune = _commune_with_cycles(request, code)
    cycle = commune.prefetched_cycles[0] if commune.prefetched_cycles else None
    return _render_commune(request, commune, cycle, form=form)


@require_http_methods(["POST"])
def step_submit(request, code, year, step):
    """An editor sends a complete step for review by the regional coordinator."""
    cycle = get_cycle_for_user(request, code, year, write=True)
    if step not in STEP_NUMBERS:
        raise Http404
    try:
        services.step_submit(cycle=cycle, step=step, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "Step %(number)s submitted for review. It is read-only until the coordinator "
                "returns it."
            )
            % {"number": step},
        )
    return redirect(
        request.POST.get("next")
        if url_has_allowed_host_and_scheme(
            request.POST.get("next"), allowed_hosts={request.get_host()}
        )
        else reverse("cycle", kwargs={"code": code, "year": year})
    )


@require_http_methods(["POST"])
def step_review(request, code, year, step):
    """A coordinator of the region validates a submitted step, or returns it with a comment."""
    cycle = get_cycle_for_user(request, code, year)
    if not permissions.can_review_commune(request.user, cycle.commune):
        raise PermissionDenied
    if step not in STEP_NUMBERS:
        raise Http404
    decision = request.POST.get("decision")
    if decision not in {"validate", "return"}:
        messages.error(request, _("Choose to validate the step or to return it."))
    else:
        try:
            services.step_review(
                cycle=cycle,
                step=step,
                by=request.user,
                validate=decision == "validate",
                comment=request.POST.get("comment", "")[:2000],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if decision == "validate":
                text = _("Step %(number)s validated.")
            else:
                text = _("Step %(number)s returned to the commune with your comment.")
            messages.success(request, text % {"number": step})
    return redirect("cycle", code=code, year=year)
