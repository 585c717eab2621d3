from dataclasses import dataclass, field
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from . import permissions, services, workflow
from .access import get_commune_for_user, get_cycle_for_user
from .concurrency import StaleRecord
from .forms import CycleOpenForm
from .models import PlanningCycle, StepEvent, StepStatus
from .steps import STEP_NUMBERS
from .tracker import build_trackers
from .workflow import Action, Actor
from .writes import attempt


@dataclass
class StepReview:
    """What the tracker shows of one step's review: its thread and what a reviewer may do."""

    events: list = field(default_factory=list)
    waiting_for: list[int] = field(default_factory=list)  # steps to submit before validating
    reopened_with: list[int] = field(default_factory=list)  # validated steps reopened with it
    can_validate: bool = False
    can_return: bool = False
    can_reopen: bool = False
    errors: dict = field(default_factory=dict)  # field -> messages, after a refused review
    data: dict = field(default_factory=dict)  # what the reviewer typed, kept after an error

    @property
    def waiting_text(self) -> str:
        return workflow.waiting_message(self.waiting_for)

    @property
    def confirm_text(self) -> str:
        return ngettext(
            "%(steps)s is validated and rests on this step's records: it will be reopened too.",
            "%(steps)s are validated and rest on this step's records: they will be reopened too.",
            len(self.reopened_with),
        ) % {"steps": capfirst(workflow.step_names(self.reopened_with))}

    @property
    def confirm_value(self) -> str:
        return ",".join(str(n) for n in self.reopened_with)


def _reviews(user, commune, cycle, rows, failed=None) -> list[StepReview]:
    """One StepReview per tracker row. Queries: the cycle's events with their authors (1)."""
    events: dict[int, list] = {}
    for event in StepEvent.objects.filter(cycle=cycle).select_related("by").order_by("at", "pk"):
        events.setdefault(event.step, []).append(event)
    states = {row.number: row.status_code for row in rows}
    actor = Actor.REVIEWER if permissions.can_review_commune(user, commune) else Actor.READER
    reviews = []
    for row in rows:
        state = row.status_code
        waiting = workflow.waiting_for(row.number, states)
        review = StepReview(
            events=events.get(row.number, []),
            waiting_for=waiting,
            reopened_with=workflow.reopened_with(row.number, states),
            can_validate=workflow.allowed(Action.VALIDATE, actor, state)
            and row.complete
            and not waiting,
            can_return=workflow.allowed(Action.RETURN, actor, state),
            can_reopen=workflow.allowed(Action.REOPEN, actor, state),
        )
        if failed and failed["step"] == row.number:
            review.errors, review.data = failed["errors"], failed["data"]
        reviews.append(review)
    return reviews


def _render_commune(request, commune, cycle, form=None, failed=None, status=None):
    rows = build_trackers([cycle])[cycle.pk] if cycle else []
    can_edit = permissions.can_edit_commune(request.user, commune)
    reviews = _reviews(request.user, commune, cycle, rows, failed) if cycle else []
    if status is None:
        status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "communes/commune_detail.html",
        {
            "commune": commune,
            "cycle": cycle,
            "cycles": commune.prefetched_cycles,
            "steps": list(zip(rows, reviews, strict=True)),
            "can_edit": can_edit,
            "can_review": permissions.can_review_commune(request.user, commune),
            "form": form if form is not None else (CycleOpenForm() if can_edit else None),
            "reopen_targets": [
                (s, StepStatus.Status(s).label) for s in workflow.TRANSITIONS[Action.REOPEN].targets
            ],
        },
        status=status,
    )


def _commune_with_cycles(request, code):
    # Queries: commune with territory (1) + cycles (1) + their step statuses (1) + who moved
    # them last (1, none when nobody has yet), shown on each step of the tracker.
    commune = get_commune_for_user(request, code)
    commune.prefetched_cycles = list(
        PlanningCycle.objects.filter(commune=commune)
        .order_by("-start_year")
        .prefetch_related("steps__changed_by")
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
            return redirect("communes:cycle", code=commune.code, year=cycle.start_year)
    commune = _commune_with_cycles(request, code)
    cycle = commune.prefetched_cycles[0] if commune.prefetched_cycles else None
    return _render_commune(request, commune, cycle, form=form)


STALE_REVIEW = _(
    "This step changed after you opened the page: read it again before deciding. "
    "Nothing was changed."
)


def _refused(request, code, year, message, failed=None, status=409):
    """The commune page again, with the reason the move was refused (nothing was changed)."""
    if message:
        messages.error(request, message)
    commune = _commune_with_cycles(request, code)
    cycle = next(c for c in commune.prefetched_cycles if c.start_year == year)
    return _render_commune(request, commune, cycle, failed=failed, status=status)


def _move_step(request, code, year, step, move, success):
    """Run a workflow service; a refusal re-shows the commune page with its reason.

    409: the step's state does not allow the move (or changed meanwhile);
    400: a field is missing (the comment, the reason, the confirmation), shown next to it.
    """
    try:
        move()
    except workflow.Forbidden as error:
        raise PermissionDenied from error
    except StaleRecord:
        return _refused(request, code, year, STALE_REVIEW)
    except workflow.TransitionRefused as error:
        return _refused(request, code, year, " ".join(error.messages))
    except ValidationError as error:
        failed = {
            "step": step,
            "errors": error.message_dict if hasattr(error, "error_dict") else {},
            "data": request.POST,
        }
        text = "" if failed["errors"] else " ".join(error.messages)
        return _refused(request, code, year, text, failed=failed, status=400)
    messages.success(request, success)
    return None


def _typed(request, name: str) -> str:
    """A comment or reason as typed, without NUL characters (PostgreSQL refuses them in text;
    nobody means one), at most 2,000 characters."""
    return request.POST.get(name, "").replace("\x00", "")[:2000]


def _seen(request):
    """The step's last change as the page showed it (see ``services._check_seen``)."""
    try:
        return parse_datetime(request.POST.get("seen", ""))
    except ValueError:
        return None


def _confirmed(request) -> tuple[int, ...]:
    """The later steps the reviewer agreed to reopen (the checkbox carries "4,5")."""
    values = ",".join(request.POST.getlist("confirm")).split(",")
    return tuple(int(n) for n in values if n.isdigit() and len(n) == 1)


@require_http_methods(["POST"])
def step_submit(request, code, year, step):
    """An editor sends a complete step for review by the regional coordinator."""
    cycle = get_cycle_for_user(request, code, year, write=True)
    if step not in STEP_NUMBERS:
        raise Http404
    refused = _move_step(
        request,
        code,
        year,
        step,
        lambda: services.step_submit(cycle=cycle, step=step, by=request.user),
        _("Step %(number)s submitted for review. It is read-only until the coordinator returns it.")
        % {"number": step},
    )
    if refused:
        return refused
    return redirect(
        request.POST.get("next")
        if url_has_allowed_host_and_scheme(
            request.POST.get("next"), allowed_hosts={request.get_host()}
        )
        else reverse("communes:cycle", kwargs={"code": code, "year": year})
    )


def _cycle_to_review(request, code, year, step):
    cycle = get_cycle_for_user(request, code, year)
    if not permissions.can_review_commune(request.user, cycle.commune):
        raise PermissionDenied
    if step not in STEP_NUMBERS:
        raise Http404
    return cycle


@require_http_methods(["POST"])
def step_review(request, code, year, step):
    """A coordinator of the region validates a submitted step, or returns it with a comment."""
    cycle = _cycle_to_review(request, code, year, step)
    decision = request.POST.get("decision")
    comment = _typed(request, "comment")
    if decision == "validate":
        move = partial(services.step_validate, comment=comment, seen_at=_seen(request))
        success = _("Step %(number)s validated.")
    elif decision == "return":
        move = partial(
            services.step_return,
            comment=comment,
            confirm=_confirmed(request),
            seen_at=_seen(request),
        )
        success = _("Step %(number)s returned to the commune with your comment.")
    else:
        return _refused(
            request, code, year, _("Choose to validate the step or to return it."), status=400
        )
    refused = _move_step(
        request,
        code,
        year,
        step,
        lambda: move(cycle=cycle, step=step, by=request.user),
        success % {"number": step},
    )
    return refused or redirect("communes:cycle", code=code, year=year)


@require_http_methods(["POST"])
def step_reopen(request, code, year, step):
    """A coordinator of the region (or a national administrator) opens a validated step again."""
    cycle = _cycle_to_review(request, code, year, step)
    refused = _move_step(
        request,
        code,
        year,
        step,
        lambda: services.step_reopen(
            cycle=cycle,
            step=step,
            by=request.user,
            reason=_typed(request, "reason"),
            to=request.POST.get("to") or StepStatus.Status.IN_PROGRESS,
            confirm=_confirmed(request),
            seen_at=_seen(request),
        ),
        _("Step %(number)s reopened; the commune can change its records again.") % {"number": step},
    )
    return refused or redirect("communes:cycle", code=code, year=year)
