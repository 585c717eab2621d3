"""Step 3 pages. Every view goes through the access door (``get_step_for_user``) and
reaches records through querysets filtered by that cycle, so a record of another
commune is a 404. Writes also need the step to be open for the commune.

Base queries of every page (the arithmetic the query-count tests pin):
session (1) + user (1) + the user's memberships (1, cached per request) +
cycle with its commune and territory (1) + step 3 status (1) = 5.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from communes import keep, numbers
from communes.access import get_step_for_user
from communes.generic import RecordDeleteView, RecordFormView, form_page_views, page_of
from communes.once import once_per_token
from communes.writes import save_or_status

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
    return (
        TargetGroup.objects.for_choice(used)
        .filter(Q(in_consultation_grid=True) | Q(pk__in=used))
        .order_by("order", "code")
    )


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
    page = page_of(request, sessions)
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
            women_percent=numbers.rounded(numbers.ratio(women, women + men)),
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
            session.by_age_band = grid.by_age_band
        done, status = save_or_status(
            request,
            valid,
            lambda: services.session_save(
                session=form.save(commit=False),
                loaded_version=form.cleaned_data["loaded_version"],
                participation=grid.counts(),
                by=request.user,
            ),
            form=form,
            message=_("Session saved.") if not creating else _("Session recorded."),
            url=lambda saved: step.url("diagnostics:session", saved.uuid),
        )
        if done:
            return done
    return render(
        request,
        "diagnostics/session_form.html",
        step.context(form=form, grid=grid, session=session, creating=creating),
        status=status,
    )


session_create, session_edit = form_page_views(STEP, ConsultationSession, _session_edit)


class _Delete(RecordDeleteView):
    step_number = STEP
    template_name = "diagnostics/confirm_delete.html"
    label = ""
    list_url_name = "diagnostics:summary"

    def get_context_data(self, **kwargs):
        return super().get_context_data(label=self.label, **kwargs)


class SessionDelete(_Delete):
    model = ConsultationSession
    label = gettext_lazy("consultation session")
    deleted_message = gettext_lazy("Session deleted.")
    detail_url_name = "diagnostics:session"

    delete_service, record_arg = services.session_delete, "session"


session_delete = SessionDelete.as_view()


# --- Migration profile ---


class _RecordForm(RecordFormView):
    """The create and edit page of a figure, a finding or an idea."""

    step_number = STEP
    template_name = "diagnostics/record_form.html"
    heading = ""
    delete_name = ""

    def back_url(self, record) -> str:
        raise NotImplementedError

    def get_success_url(self) -> str:
        return self.back_url(self.object)

    def get_context_data(self, **kwargs):
        record = self.object
        context = {
            "heading": self.heading,
            "creating": record.pk is None,
            "record": record,
            "delete_url": self.step.url(self.delete_name, record.uuid) if record.pk else None,
            "back": self.back_url(record) if record.pk else self.step.url("diagnostics:summary"),
        }
        return super().get_context_data(**{**context, **kwargs})


class FigureEdit(_RecordForm):
    model = MigrationFigure
    form_class = FigureForm
    heading = gettext_lazy("Migration profile figure")
    saved_message = gettext_lazy("Migration profile figure saved.")
    delete_name = "diagnostics:figure_delete"

    def back_url(self, record) -> str:
        return self.step.url("diagnostics:summary") + "#profile"

    def get_context_data(self, **kwargs):
        return super().get_context_data(back=self.back_url(self.object), **kwargs)

    save_service, record_arg = services.figure_save, "figure"


class FigureDelete(_Delete):
    model = MigrationFigure
    label = gettext_lazy("migration profile figure")
    deleted_message = gettext_lazy("Figure deleted.")

    delete_service, record_arg = services.figure_delete, "figure"

    def back_url(self):
        return self.step.url("diagnostics:summary") + "#profile"


# A create form is sent once (communes.once): a second post lands on the first record.
figure_create = once_per_token(FigureEdit.as_view())
figure_edit = FigureEdit.as_view()
figure_delete = FigureDelete.as_view()


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
        request, "diagnostics/finding_list.html", step.context(page=page_of(request, findings))
    )


class FindingEdit(_RecordForm):
    model = Finding
    form_class = FindingForm
    heading = gettext_lazy("Finding")
    saved_message = gettext_lazy("Finding %(code)s saved.")
    delete_name = "diagnostics:finding_delete"

    def back_url(self, record) -> str:
        return self.step.url("diagnostics:findings") + f"#finding-{record.uuid}"

    save_service, record_arg = services.finding_save, "finding"
    related = ("groups", "sessions")


class FindingDelete(_Delete):
    model = Finding
    label = gettext_lazy("finding")
    deleted_message = gettext_lazy("Finding deleted.")

    delete_service, record_arg = services.finding_delete, "finding"

    def back_url(self):
        return self.step.url("diagnostics:findings") + f"#finding-{self.object.uuid}"


# A create form is sent once (communes.once): a second post lands on the first record.
finding_create = once_per_token(FindingEdit.as_view())
finding_edit = FindingEdit.as_view()
finding_delete = FindingDelete.as_view()


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
    page = page_of(request, _ideas(step.cycle).order_by("number"))
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


class IdeaEdit(_RecordForm):
    model = ProjectIdea
    form_class = IdeaForm
    heading = gettext_lazy("Project idea")
    saved_message = gettext_lazy("Idea %(code)s saved.")
    delete_name = "diagnostics:idea_delete"

    def back_url(self, record) -> str:
        return self.step.url("diagnostics:idea", record.uuid)

    def get_initial(self):
        wanted = self.request.GET.get("finding", "")
        if self.object.pk or not wanted:
            return super().get_initial()
        # "Propose an idea" from a finding: that finding comes ticked.
        try:
            return {"findings": list(Finding.objects.filter(cycle=self.step.cycle, uuid=wanted))}
        except ValidationError:
            return super().get_initial()

    save_service, record_arg = services.idea_save, "idea"
    related = ("findings", "target_groups")


class IdeaDelete(_Delete):
    model = ProjectIdea
    label = gettext_lazy("project idea")
    deleted_message = gettext_lazy("Idea deleted.")
    detail_url_name = "diagnostics:idea"

    delete_service, record_arg = services.idea_delete, "idea"


# A create form is sent once (communes.once): a second post lands on the first record.
idea_create = once_per_token(IdeaEdit.as_view())
idea_edit = IdeaEdit.as_view()
idea_delete = IdeaDelete.as_view()
