"""Step 3 pages. Every view goes through the access door (``get_step_for_user``) and
reaches records through querysets filtered by that cycle, so a record of another
commune is a 404. Writes also need the step to be open for the commune.

Base queries of every page (the arithmetic the query-count tests pin):
session (1) + user (1) + the user's memberships (1, cached per request) +
cycle with its commune and territory (1) + step 3 status (1) = 5.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from communes import keep
from communes.access import get_step_for_user
from communes.concurrency import StaleRecord
from communes.forms import add_validation_error
from communes.once import once_per_token

from . import selectors, services
from .forms import FigureForm, FindingForm, IdeaForm, ParticipationGrid, SessionForm
from .models import (
    STEP,
    AgeBand,
    ConsultationSession,
    Finding,
    IdeaFinding,
    MigrationFigure,
    ProjectIdea,
    TargetGroup,
)

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Summary ---


@require_GET
def summary(request, code, year):
    """The diagnosis at a glance. Queries: 5 base + step 3 summary (1, shared with the panel)
    + 1 participation by group + 1 by age band + 1 by session type + 1 profile + 3 findings
    (with groups, idea links) + 2 ideas (with finding links) = 15, whatever the number of
    records."""
    step = get_step_for_user(request, code, year, STEP)
    cycle = step.cycle
    participation = [
        {"name": row["group"], **row}
        for row in selectors.participation_by_group(cycle)
        if row["total"]
    ]
    by_band = selectors.participation_by_age_band(cycle)
    by_kind = selectors.sessions_by_kind(cycle)
    profile = list(selectors.migration_profile(cycle))

    findings = list(
        Finding.objects.filter(cycle=cycle)
        .select_related("sector")
        .prefetch_related(
            "groups",
            Prefetch(
                "idea_links",
                queryset=IdeaFinding.objects.select_related("idea").order_by("idea__number"),
            ),
        )
        .order_by("number")
    )
    sectors: dict = defaultdict(list)
    for finding in findings:
        sectors[finding.sector].append(finding)
    findings_by_sector = sorted(sectors.items(), key=lambda item: (item[0].order, item[0].code))
    unanswered = [f for f in findings if not f.idea_links.all()]

    ideas = list(
        ProjectIdea.objects.filter(cycle=cycle)
        .select_related("sector")
        .prefetch_related(
            Prefetch(
                "finding_links",
                queryset=IdeaFinding.objects.select_related("finding").order_by("finding__number"),
            )
        )
        .order_by("number")
    )
    return render(
        request,
        "diagnostics/summary.html",
        step.context(
            step=step.row(),
            stats=step.summary.totals,
            participation=participation,
            by_band=by_band,
            by_kind=by_kind,
            profile=profile,
            findings_by_sector=findings_by_sector,
            findings_count=len(findings),
            unanswered=unanswered,
            ideas=ideas,
        ),
    )


# --- Consultation sessions ---


def _grid_groups(session=None):
    """The grid's rows: active consultation groups, plus any group a session already counts."""
    used = []
    if session is not None and session.pk:
        used = [p.group_id for p in session.participations.all()]
    return TargetGroup.objects.filter(
        Q(in_consultation_grid=True, active=True) | Q(pk__in=used)
    ).order_by("order", "code")


@require_GET
def session_list(request, code, year):
    """Sessions of the cycle, 25 a page. Queries: 5 base + count (1) + page (1)
    + their participations (1) = 8."""
    step = get_step_for_user(request, code, year, STEP)
    sessions = (
        ConsultationSession.objects.filter(cycle=step.cycle)
        .prefetch_related("participations")
        .order_by("-date", "-pk")
    )
    page = _page(request, sessions)
    return render(request, "diagnostics/session_list.html", step.context(page=page))


@require_GET
def session_detail(request, code, year, uuid):
    step = get_step_for_user(request, code, year, STEP)
    session = get_object_or_404(ConsultationSession.objects.filter(cycle=step.cycle), uuid=uuid)
    rows = defaultdict(lambda: {"women": 0, "men": 0, "bands": {}})
    participations = sorted(
        session.participations.select_related("group"), key=lambda p: (p.group.order, p.age_band)
    )
    for p in participations:
        row = rows[p.group]
        row["women"] += p.women
        row["men"] += p.men
        if p.age_band:
            row["bands"][p.age_band] = p
    bands = [(b, label) for b, label in AgeBand.choices if b] if session.by_age_band else []
    grid = [
        {
            "group": group,
            "women": row["women"],
            "men": row["men"],
            "total": row["women"] + row["men"],
            "bands": [row["bands"].get(b) for b, _label in bands],
        }
        for group, row in rows.items()
    ]
    women = sum(r["women"] for r in grid)
    men = sum(r["men"] for r in grid)
    findings = session.findings.select_related("sector").order_by("number")
    return render(
        request,
        "diagnostics/session_detail.html",
        step.context(
            session=session,
            grid=grid,
            bands=bands,
            women=women,
            men=men,
            total=women + men,
            women_percent=round(100 * women / (women + men)) if women + men else None,
            findings=findings,
        ),
    )


def _session_edit(request, step, session):
    creating = session.pk is None
    data = request.POST if request.method == "POST" else None
    layout = (request.POST if data else request.GET).get("grid")
    by_age_band = session.by_age_band if layout not in {"age", "total"} else layout == "age"
    form = SessionForm(data, instance=session, cycle=step.cycle)
    groups = _grid_groups(session)
    grid = ParticipationGrid(groups=groups, by_age_band=by_age_band, session=session, data=data)
    status = 200
    switch = data.get("switch_grid") if data is not None else None
    if switch in {"age", "total"}:
        # The other layout of the grid, with everything typed kept; nothing saved yet.
        grid = ParticipationGrid(
            groups=groups, by_age_band=switch == "age", typed=grid.typed_counts()
        )
        keep.without_errors(form)
    elif data is not None:
        # Both validated, so that every wrong cell is outlined even when a field is wrong too.
        valid = form.is_valid()
        valid = grid.is_valid() and valid
        if valid:
            try:
                session = services.session_save(
                    cycle=step.cycle, form=form, grid=grid, by=request.user
                )
            except StaleRecord:
                status = 409
            else:
                messages.success(
                    request,
                    _("Session saved.") if not creating else _("Session recorded."),
                )
                return redirect(step.url("diagnosis_session", session.uuid))
        else:
            status = 400
    return render(
        request,
        "diagnostics/session_form.html",
        step.context(form=form, grid=grid, session=session, creating=creating),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@once_per_token
def session_create(request, code, year):
    step = get_step_for_user(request, code, year, STEP, write=True)
    return _session_edit(request, step, ConsultationSession(cycle=step.cycle))


@require_http_methods(["GET", "POST"])
def session_edit(request, code, year, uuid):
    step = get_step_for_user(request, code, year, STEP, write=True)
    session = get_object_or_404(ConsultationSession.objects.filter(cycle=step.cycle), uuid=uuid)
    return _session_edit(request, step, session)


def _delete(request, step, obj, *, service, label, back, done):
    if request.method == "POST":
        try:
            service(obj)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(back)
        messages.success(request, done)
        return redirect(step.url("diagnosis"))
    return render(
        request,
        "diagnostics/confirm_delete.html",
        step.context(object=obj, label=label, back=back),
    )


@require_http_methods(["GET", "POST"])
def session_delete(request, code, year, uuid):
    step = get_step_for_user(request, code, year, STEP, write=True)
    session = get_object_or_404(ConsultationSession.objects.filter(cycle=step.cycle), uuid=uuid)
    return _delete(
        request,
        step,
        session,
        service=lambda s: services.session_delete(session=s),
        label=_("consultation session"),
        back=step.url("diagnosis_session", session.uuid),
        done=_("Session deleted."),
    )


# --- Migration profile ---


def _figure_edit(request, step, figure):
    form = FigureForm(request.POST or None, instance=figure, cycle=step.cycle)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.figure_save(cycle=step.cycle, form=form, by=request.user)
            except StaleRecord:
                status = 409
            except ValidationError as error:
                add_validation_error(form, error)
                status = 400
            else:
                messages.success(request, _("Migration profile figure saved."))
                return redirect(step.url("diagnosis") + "#profile")
        else:
            status = 400
    return render(
        request,
        "diagnostics/record_form.html",
        step.context(
            form=form,
            heading=_("Migration profile figure"),
            creating=figure.pk is None,
            delete_url=step.url("diagnosis_figure_delete", figure.uuid) if figure.pk else None,
            back=step.url("diagnosis") + "#profile",
        ),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@once_per_token
def figure_create(request, code, year):
    step = get_step_for_user(request, code, year, STEP, write=True)
    return _figure_edit(request, step, MigrationFigure(cycle=step.cycle))


@require_http_methods(["GET", "POST"])
def figure_edit(request, code, year, uuid):
    step = get_step_for_user(request, code, year, STEP, write=True)
    figure = get_object_or_404(MigrationFigure.objects.filter(cycle=step.cycle), uuid=uuid)
    return _figure_edit(request, step, figure)


@require_http_methods(["GET", "POST"])
def figure_delete(request, code, year, uuid):
    step = get_step_for_user(request, code, year, STEP, write=True)
    figure = get_object_or_404(MigrationFigure.objects.filter(cycle=step.cycle), uuid=uuid)
    return _delete(
        request,
        step,
        figure,
        service=lambda f: services.figure_delete(figure=f),
        label=_("migration profile figure"),
        back=step.url("diagnosis") + "#profile",
        done=_("Figure deleted."),
    )


# --- Findings ---


@require_GET
def finding_list(request, code, year):
    """Findings, 25 a page. Queries: 5 base + count (1) + page with sectors (1)
    + groups (1) + sessions (1) + idea links with ideas (1) = 10."""
    step = get_step_for_user(request, code, year, STEP)
    findings = (
        Finding.objects.filter(cycle=step.cycle)
        .select_related("sector")
        .prefetch_related(
            "groups",
            Prefetch("sessions", queryset=ConsultationSession.objects.order_by("date", "pk")),
            Prefetch(
                "idea_links",
                queryset=IdeaFinding.objects.select_related("idea").order_by("idea__number"),
            ),
        )
        .order_by("number")
    )
    return render(
        request, "diagnostics/finding_list.html", step.context(page=_page(request, findings))
    )


def _record_edit(
    request, step, obj, *, form_class, service, heading, saved, back, delete_name, initial=None
):
    form = form_class(request.POST or None, instance=obj, cycle=step.cycle, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                obj = service(cycle=step.cycle, form=form, by=request.user)
            except StaleRecord:
                status = 409
            except ValidationError as error:
                add_validation_error(form, error)
                status = 400
            else:
                messages.success(request, saved % {"code": obj.code})
                return redirect(back(obj))
        else:
            status = 400
    return render(
        request,
        "diagnostics/record_form.html",
        step.context(
            form=form,
            heading=heading,
            creating=obj.pk is None,
            record=obj,
            delete_url=step.url(delete_name, obj.uuid) if obj.pk else None,
            back=back(obj) if obj.pk else step.url("diagnosis"),
        ),
        status=status,
    )


def _finding_edit(request, step, finding):
    return _record_edit(
        request,
        step,
        finding,
        form_class=FindingForm,
        service=services.finding_save,
        heading=_("Finding"),
        saved=_("Finding %(code)s saved."),
        back=lambda f: step.url("diagnosis_findings") + f"#finding-{f.uuid}",
        delete_name="diagnosis_finding_delete",
    )


@require_http_methods(["GET", "POST"])
@once_per_token
def finding_create(request, code, year):
    step = get_step_for_user(request, code, year, STEP, write=True)
    return _finding_edit(request, step, Finding(cycle=step.cycle))


@require_http_methods(["GET", "POST"])
def finding_edit(request, code, year, uuid):
    step = get_step_for_user(request, code, year, STEP, write=True)
    finding = get_object_or_404(Finding.objects.filter(cycle=step.cycle), uuid=uuid)
    return _finding_edit(request, step, finding)


@require_http_methods(["GET", "POST"])
def finding_delete(request, code, year, uuid):
    step = get_step_for_user(request, code, year, STEP, write=True)
    finding = get_object_or_404(Finding.objects.filter(cycle=step.cycle), uuid=uuid)
    return _delete(
        request,
        step,
        finding,
        service=lambda f: services.finding_delete(finding=f),
        label=_("finding"),
        back=step.url("diagnosis_findings") + f"#finding-{finding.uuid}",
        done=_("Finding deleted."),
    )


# --- Project ideas ---


def _ideas(cycle):
    return (
        ProjectIdea.objects.filter(cycle=cycle)
        .select_related("sector")
        .prefetch_related(
            "target_groups",
            Prefetch(
                "finding_links",
                queryset=IdeaFinding.objects.select_related("finding").order_by("finding__number"),
            ),
        )
    )


@require_GET
def idea_list(request, code, year):
    """Ideas, 25 a page. Queries: 5 base + count (1) + page with sectors (1)
    + target groups (1) + finding links with findings (1) = 9."""
    step = get_step_for_user(request, code, year, STEP)
    page = _page(request, _ideas(step.cycle).order_by("number"))
    return render(request, "diagnostics/idea_list.html", step.context(page=page))


@require_GET
def idea_detail(request, code, year, uuid):
    step = get_step_for_user(request, code, year, STEP)
    idea = get_object_or_404(_ideas(step.cycle), uuid=uuid)
    sessions = (
        ConsultationSession.objects.filter(findings__idea_links__idea=idea)
        .distinct()
        .order_by("date", "pk")
    )
    return render(
        request,
        "diagnostics/idea_detail.html",
        step.context(idea=idea, sessions=sessions),
    )


def _idea_edit(request, step, idea, initial=None):
    return _record_edit(
        request,
        step,
        idea,
        form_class=IdeaForm,
        service=services.idea_save,
        heading=_("Project idea"),
        saved=_("Idea %(code)s saved."),
        back=lambda i: step.url("diagnosis_idea", i.uuid),
        delete_name="diagnosis_idea_delete",
        initial=initial,
    )


@require_http_methods(["GET", "POST"])
@once_per_token
def idea_create(request, code, year):
    step = get_step_for_user(request, code, year, STEP, write=True)
    initial = None
    wanted = request.GET.get("finding", "")
    if wanted:
        # "Propose an idea" from a finding: that finding comes ticked.
        try:
            initial = {"findings": list(Finding.objects.filter(cycle=step.cycle, uuid=wanted))}
        except ValidationError:
            initial = None
    return _idea_edit(request, step, ProjectIdea(cycle=step.cycle), initial=initial)


@require_http_methods(["GET", "POST"])
def idea_edit(request, code, year, uuid):
    step = get_step_for_user(request, code, year, STEP, write=True)
    idea = get_object_or_404(ProjectIdea.objects.filter(cycle=step.cycle), uuid=uuid)
    return _idea_edit(request, step, idea)


@require_http_methods(["GET", "POST"])
def idea_delete(request, code, year, uuid):
    step = get_step_for_user(request, code, year, STEP, write=True)
    idea = get_object_or_404(ProjectIdea.objects.filter(cycle=step.cycle), uuid=uuid)
    return _delete(
        request,
        step,
        idea,
        service=lambda i: services.idea_delete(idea=i),
        label=_("project idea"),
        back=step.url("diagnosis_idea", idea.uuid),
        done=_("Idea deleted."),
    )
