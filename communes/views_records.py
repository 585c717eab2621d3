"""Pages of steps 1 (awareness sessions) and 2 (trainings) under a commune's PAC cycle.

Every view enters through ``get_step_for_user`` (outsider 404, read-only 403) and
reaches records only through querysets filtered by that cycle, so a record of
another commune is a 404 whatever its UUID.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import keep, services
from .access import get_step_for_user
from .forms_records import (
    AwarenessSessionForm,
    SessionAttachmentForm,
    TrainingForm,
    attendance_formset,
    trainee_formset_class,
)
from .generic import RecordDeleteView, form_page_views, record_list_view
from .records import AwarenessSession, SessionAttachment, SessionAttendance, Trainee, Training
from .selectors import (
    awareness_row_figures,
    awareness_rows,
    share_of,
    share_text,
    training_row_figures,
    training_rows,
)
from .writes import attempt, save_or_status

AWARENESS, TRAINING = 1, 2


# --- Step 1: awareness sessions ------------------------------------------------------------------


def _sessions(cycle):
    return AwarenessSession.objects.filter(cycle=cycle)


# Queries: session + user (2, login) + scope (1) + cycle (1) + step status (1)
# + step 1 summary (1) + count (1) + page (1) = 8, whatever the number of sessions.
awareness_list = record_list_view(
    AWARENESS,
    lambda cycle: awareness_rows(_sessions(cycle)).order_by("-date", "-pk"),
    awareness_row_figures,
    "communes/awareness/list.html",
)


def _sessions_with_grid(cycle):
    return _sessions(cycle).prefetch_related(
        Prefetch("attendance", queryset=SessionAttendance.objects.order_by("pk")),
        Prefetch("attachments", queryset=SessionAttachment.objects.order_by("created_at")),
    )


def _get_session(cycle, uuid):
    return get_object_or_404(_sessions_with_grid(cycle), uuid=uuid)


def _grid_rows(session):
    """The attendance grid to display: recorded categories in the fixed order, with totals."""
    from .records import AudienceCategory

    recorded = {row.category: row for row in session.attendance.all()}
    rows = [recorded[code] for code in AudienceCategory.values if code in recorded]
    women = sum(r.women for r in rows)
    men = sum(r.men for r in rows)
    return rows, {
        "women": women,
        "men": men,
        "total": women + men,
        "women_share": share_text(share_of(women, women + men)),
    }


def _render_session(request, step, session, attachment_form=None, code=200):
    rows, totals = _grid_rows(session)
    if attachment_form is None and step.can_edit:
        attachment_form = SessionAttachmentForm()
    return render(
        request,
        "communes/awareness/detail.html",
        step.context(
            session=session,
            rows=rows,
            totals=totals,
            attachment_form=attachment_form,
        ),
        status=code,
    )


@require_GET
def awareness_detail(request, code, year, uuid):
    step = get_step_for_user(request, code, year, AWARENESS)
    cycle = step.cycle
    session = _get_session(cycle, uuid)
    return _render_session(request, step, session)


def _awareness_form_page(request, step, session):
    creating = session.pk is None
    code = 200
    if request.method == "POST":
        form = AwarenessSessionForm(request.POST, instance=session)
        grid = attendance_formset(None if creating else session, data=request.POST)
        valid = form.is_valid()
        valid = grid.is_valid() and valid
        done, code = save_or_status(
            request,
            valid,
            lambda: services.awareness_session_save(
                session=form.save(commit=False),
                loaded_version=form.cleaned_data["loaded_version"],
                attendance=grid.counts(),
                by=request.user,
            ),
            form=form,
            message=_("Awareness session saved."),
            url=lambda saved: step.url("communes:awareness_detail", saved.uuid),
        )
        if done:
            return done
    else:
        form = AwarenessSessionForm(instance=session)
        grid = attendance_formset(None if creating else session)
    return render(
        request,
        "communes/awareness/form.html",
        step.context(form=form, grid=grid, session=session, creating=creating),
        status=code,
    )


awareness_create, awareness_edit = form_page_views(
    AWARENESS, AwarenessSession, _awareness_form_page, _sessions_with_grid
)


class AwarenessDelete(RecordDeleteView):
    step_number = AWARENESS
    model = AwarenessSession
    context_object_name = "session"
    template_name = "communes/awareness/confirm_delete.html"
    deleted_message = gettext_lazy("Awareness session deleted.")
    detail_url_name = "communes:awareness_detail"
    list_url_name = "communes:awareness_list"

    delete_service, record_arg = services.awareness_session_delete, "session"


awareness_delete = AwarenessDelete.as_view()


@require_POST
def awareness_attachment_add(request, code, year, uuid):
    step = get_step_for_user(request, code, year, AWARENESS, write=True)
    cycle = step.cycle
    session = _get_session(cycle, uuid)
    form = SessionAttachmentForm(request.POST, request.FILES)
    code = 400
    if form.is_valid():
        _attachment, code = attempt(
            request,
            lambda: services.session_attachment_add(
                session=session,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                content_type=form.content_type,
                thumbnail=form.thumbnail,
                by=request.user,
            ),
            form=form,
        )
        if code is None:
            messages.success(request, _("File attached."))
            return redirect(
                "communes:awareness_detail",
                code=cycle.commune.code,
                year=cycle.start_year,
                uuid=session.uuid,
            )
    return _render_session(request, step, session, form, code=code)


def _get_attachment(cycle, uuid, attachment):
    return get_object_or_404(
        SessionAttachment.objects.filter(session__cycle=cycle, session__uuid=uuid).select_related(
            "session"
        ),
        uuid=attachment,
    )


def _serve(stored, **kwargs):
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError) as error:  # ValueError: no file (no thumbnail)
        raise Http404 from error
    response = FileResponse(handle, **kwargs)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def awareness_attachment_file(request, code, year, uuid, attachment):
    """Serve an attachment to those who may read the commune (never from a public path)."""
    step = get_step_for_user(request, code, year, AWARENESS)
    cycle = step.cycle
    item = _get_attachment(cycle, uuid, attachment)
    return _serve(
        item.file,
        as_attachment=item.is_pdf,
        filename=item.download_name,
        # Only the three types the content check let in; anything else is served as bytes.
        content_type=item.content_type
        if item.content_type in SessionAttachment.EXTENSIONS
        else "application/octet-stream",
    )


@require_GET
def awareness_attachment_thumbnail(request, code, year, uuid, attachment):
    """The small picture the session page shows, behind the same door as the original."""
    step = get_step_for_user(request, code, year, AWARENESS)
    item = _get_attachment(step.cycle, uuid, attachment)
    return _serve(item.thumbnail, content_type="image/jpeg")


@require_POST
def awareness_attachment_delete(request, code, year, uuid, attachment):
    step = get_step_for_user(request, code, year, AWARENESS, write=True)
    cycle = step.cycle
    item = _get_attachment(cycle, uuid, attachment)
    _done, refused = attempt(
        request, lambda: services.session_attachment_delete(attachment=item, by=request.user)
    )
    if refused is None:
        messages.success(request, _("Attachment deleted."))
    return redirect(
        "communes:awareness_detail", code=cycle.commune.code, year=cycle.start_year, uuid=uuid
    )


# --- Step 2: trainings ---------------------------------------------------------------------------


def _trainings(cycle):
    return Training.objects.filter(cycle=cycle)


# Queries: session + user (2, login) + scope (1) + cycle (1) + step status (1)
# + step 2 summary (1) + count (1) + page with its trainee aggregates (1) = 8.
training_list = record_list_view(
    TRAINING,
    lambda cycle: training_rows(_trainings(cycle)).order_by("-start_date", "-pk"),
    training_row_figures,
    "communes/training/list.html",
)


@require_GET
def training_detail(request, code, year, uuid):
    step = get_step_for_user(request, code, year, TRAINING)
    cycle = step.cycle
    training = get_object_or_404(training_rows(_trainings(cycle)), uuid=uuid)
    training_row_figures([training])
    trainees = training.trainees.order_by("name", "pk")
    return render(
        request,
        "communes/training/detail.html",
        step.context(training=training, trainees=trainees),
    )


def _training_form_page(request, step, training):
    creating = training.pk is None
    formset_class = trainee_formset_class(extra=5 if creating else 3)
    queryset = Trainee.objects.order_by("pk")
    code = 200
    if keep.added_row(request, ["trainees"]):
        # "Add a row" without JavaScript: the same page, what was typed, one more row.
        data = keep.with_extra_row(request.POST, "trainees")
        form = TrainingForm(data, instance=training)
        formset = formset_class(data, instance=training, prefix="trainees", queryset=queryset)
        keep.without_errors(form, formset)
    elif request.method == "POST":
        form = TrainingForm(request.POST, instance=training)
        formset = formset_class(
            request.POST, instance=training, prefix="trainees", queryset=queryset
        )
        valid = form.is_valid()
        formset.set_training_days(form.cleaned_data.get("days"))
        valid = formset.is_valid() and valid
        done, code = save_or_status(
            request,
            valid,
            lambda: services.training_save(
                training=form.save(commit=False),
                loaded_version=form.cleaned_data["loaded_version"],
                trainees=formset.save(commit=False),
                removed=formset.deleted_objects,
                by=request.user,
            ),
            form=form,
            message=_("Training saved."),
            url=lambda saved: step.url("communes:training_detail", saved.uuid),
        )
        if done:
            return done
    else:
        form = TrainingForm(instance=training)
        formset = formset_class(instance=training, prefix="trainees", queryset=queryset)
    return render(
        request,
        "communes/training/form.html",
        step.context(
            form=form,
            formset=formset,
            training=training,
            creating=creating,
        ),
        status=code,
    )


training_create, training_edit = form_page_views(TRAINING, Training, _training_form_page)


class TrainingDelete(RecordDeleteView):
    step_number = TRAINING
    model = Training
    context_object_name = "training"
    template_name = "communes/training/confirm_delete.html"
    deleted_message = gettext_lazy("Training deleted.")
    detail_url_name = "communes:training_detail"
    list_url_name = "communes:training_list"

    def get_queryset(self):
        return super().get_queryset().annotate(n_trainees=Count("trainees"))

    delete_service, record_arg = services.training_delete, "training"


training_delete = TrainingDelete.as_view()
