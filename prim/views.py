"""Home and dashboards: the composition root that reads every step through the tracker."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Exists, OuterRef, Q
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from communes import workflow
from communes.access import get_region_for_user
from communes.generic import page_of
from communes.models import Commune, PlanningCycle, Province, Region, StepStatus
from communes.scope import user_scope
from communes.steps import STEP_NUMBERS, all_steps, get_step
from communes.tracker import build_trackers, current_cycle

from . import health
from .help import ROLE_HELP, STEP_HELP

QUEUE_PAGE_SIZE = 10


@dataclass
class QueueRow:
    status: StepStatus
    waiting_text: str  # why it cannot be validated yet, if it cannot


def _review_queue(request, steps) -> dict:
    """The submitted steps a reviewer has to decide on, oldest first, a page at a time.

    Queries: the count (1) + the page with commune and author (1) + the step statuses of the
    page's cycles, for what validation still waits for (1). None when nothing waits.
    """
    steps = steps.select_related("cycle__commune", "changed_by").prefetch_related("cycle__steps")
    page = page_of(request, steps, QUEUE_PAGE_SIZE, "queue")
    rows = []
    for status in page.object_list:
        states = {s.step: s.status for s in status.cycle.steps.all()}
        waiting = workflow.waiting_for(status.step, states)
        rows.append(QueueRow(status, workflow.waiting_message(waiting) if waiting else ""))
    return {"queue": page, "queue_rows": rows}


@require_GET
def home(request):
    """Each role lands on its own home: commune, region or the whole country."""
    scope = user_scope(request.user)
    if scope.national:
        return redirect("country")
    if len(scope.region_ids) == 1 and not scope.commune_ids:
        region = Region.objects.get(pk=next(iter(scope.region_ids)))
        return redirect("region", code=region.code)
    if len(scope.province_ids) == 1 and not scope.commune_ids and not scope.region_ids:
        province = Province.objects.get(pk=next(iter(scope.province_ids)))
        return redirect("province_report", code=province.code)
    if len(scope.commune_ids) == 1 and not scope.region_ids:
        commune = Commune.objects.get(pk=next(iter(scope.commune_ids)))
        return redirect("communes:commune", code=commune.code)
    return render(
        request,
        "prim/home.html",
        {
            "regions": Region.objects.visible_to(request.user),
            "provinces": Province.objects.filter(pk__in=scope.province_ids),
            "communes": Commune.objects.filter(pk__in=scope.commune_ids).with_territory(),
            **(
                _review_queue(request, StepStatus.objects.awaiting_review_by(request.user))
                if scope.region_ids
                else {}
            ),
        },
    )


def _commune_rows(communes_page):
    """Tracker rows for a page of communes: a fixed number of queries per page."""
    communes = list(communes_page)
    cycles = [current_cycle(c) for c in communes]
    trackers = build_trackers([c for c in cycles if c])
    return [
        {"commune": c, "cycle": cy, "steps": trackers.get(cy.pk, []) if cy else []}
        for c, cy in zip(communes, cycles, strict=True)
    ]


def _communes_listing(request, communes):
    # A NUL character cannot reach PostgreSQL (a 500); nobody types one in a name.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if query:
        communes = communes.filter(
            Q(name_fr__icontains=query) | Q(name_ar__icontains=query) | Q(code__icontains=query)
        )
    communes = (
        communes.with_territory()
        .annotate(has_cycle=Exists(PlanningCycle.objects.filter(commune=OuterRef("pk"))))
        .order_by("-has_cycle", "name_fr", "pk")
        .with_current_cycle()
    )
    page = page_of(request, communes)
    return {"page": page, "rows": _commune_rows(page.object_list), "query": query}


@require_GET
def country(request):
    """The country: every region with its communes' progress, and a commune search."""
    validated = Q(provinces__communes__cycles__steps__status=StepStatus.Status.VALIDATED)
    submitted = Q(provinces__communes__cycles__steps__status=StepStatus.Status.SUBMITTED)
    # One query for all regions, whatever the number of communes.
    regions = Region.objects.visible_to(request.user).annotate(
        n_communes=Count("provinces__communes", distinct=True),
        n_with_cycle=Count(
            "provinces__communes",
            filter=Q(provinces__communes__cycles__isnull=False),
            distinct=True,
        ),
        n_submitted=Count("provinces__communes__cycles__steps", filter=submitted, distinct=True),
        n_validated=Count("provinces__communes__cycles__steps", filter=validated, distinct=True),
    )
    context = {
        "regions": regions,
        **_review_queue(request, StepStatus.objects.awaiting_review_by(request.user)),
    }
    if request.GET.get("q"):
        context.update(_communes_listing(request, Commune.objects.visible_to(request.user)))
    return render(request, "prim/country.html", context)


@require_GET
def region_detail(request, code):
    """A region: its communes, each with the five-step tracker of its current cycle."""
    region = get_region_for_user(request, code)
    communes = Commune.objects.filter(province__region=region)
    context = {
        "region": region,
        **_communes_listing(request, communes),
        **_review_queue(
            request,
            StepStatus.objects.awaiting_review_by(request.user).filter(
                cycle__commune__province__region=region
            ),
        ),
    }
    return render(request, "prim/region_detail.html", context)


def permission_denied(request, exception=None):
    # Only communes.access gives a reason (a translated sentence): a locked step.
    reason = str(exception) if exception is not None else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    """A form sent without its security token: explained in the user's language."""
    return render(request, "403_csrf.html", status=403)


@login_not_required
@never_cache
@require_GET
def health_check(request):
    """200 when the database, the storage and the queue answer, 503 otherwise; the workers'
    heartbeat as information (see ``prim.health``)."""
    results = health.run_checks()
    healthy = all(results.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: "ok" if ok else "unavailable" for name, ok in results.items()},
        "workers": health.workers() if results["database"] else {"alive": None},
    }
    return JsonResponse(body, status=200 if healthy else 503)


@login_not_required
@require_GET
def favicon(request):
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@login_not_required
@require_GET
def help_index(request):
    """What the application is for, the five steps, and who does what (no data: public)."""
    return render(request, "prim/help.html", {"steps": all_steps(), "roles": ROLE_HELP})


@login_not_required
@require_GET
def help_step(request, number):
    if number not in STEP_NUMBERS:
        raise Http404
    position = STEP_NUMBERS.index(number)
    return render(
        request,
        "prim/help_step.html",
        {
            "step": get_step(number),
            "help": STEP_HELP[number],
            "previous": STEP_NUMBERS[position - 1] if position else None,
            "next": STEP_NUMBERS[position + 1] if position + 1 < len(STEP_NUMBERS) else None,
        },
    )


@login_not_required
@require_GET
def privacy(request):
    """The privacy notice (law 09-08), linked from every page's footer, login page included."""
    return render(request, "prim/privacy.html")


# The 400 and 500 pages are drawn without the request: the request may be what failed
# (a charset nobody can decode, a form that cannot be read), and reading it again would fail
# again; the page of a 500 must not need the database either. The language is the one the
# language middleware chose, when it got that far.
def bad_request(request, exception=None):
    return HttpResponseBadRequest(render_to_string("400.html"))


def server_error(request):
    return HttpResponseServerError(render_to_string("500.html"))
