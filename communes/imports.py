"""Export, template and import pages shared by every list that round-trips (``communes.sheets``).

One set of views for every registered sheet, under ``/communes/<code>/pac/<year>/sheets/<kind>/``:

- ``export.xlsx`` / ``export.csv``: the rows the user may see (a viewer gets no personal
  columns: trainees' names and scores), headers in the user's language, formulas neutralised;
- ``template.xlsx``: the same columns, no rows, and a second sheet explaining each column in
  French and Arabic;
- ``import/``: upload, then a preview (rows to create, update, skip, and every error with its
  row and column); nothing is written before ``import/confirm/``, which writes all rows or none,
  through the step's write lock (``step_write``: a submitted or validated step refuses).

Between the preview and the confirmation the file waits in ``default_storage`` under a random
token (``imports/<token>.xlsx``); the session maps the token to that name, so a token never
names a path and nobody confirms another user's file.
"""

from __future__ import annotations

import io
import uuid

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import jobs, sheets
from .access import get_step_for_user
from .errors import ServiceError
from .job_model import Job

SESSION_KEY = "sheet_imports"
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _sheet(kind: str) -> sheets.Sheet:
    sheet = sheets.SHEETS.get(kind)
    if sheet is None:
        raise Http404
    return sheet


def _resource(sheet, step, request):
    # Personal columns (names, scores) stay with the commune's editors.
    return sheet.resource(cycle=step.cycle, user=request.user, private=step.can_edit_commune)


def _filename(step, sheet, suffix: str) -> str:
    stamp = timezone.localdate().isoformat()
    return f"{step.commune.code}-pac{step.cycle.start_year}-{sheet.kind}-{stamp}{suffix}"


def _attachment(content, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def sheet_export(request, code, year, kind, fmt):
    sheet = _sheet(kind)
    step = get_step_for_user(request, code, year, sheet.step)
    resource = _resource(sheet, step, request)
    headers = list(sheets.labels_in(resource).values())
    rows = sheets.rows_for(resource)
    if fmt == "csv":
        out = io.StringIO()
        sheets.write_csv(out, headers, rows)
        content = out.getvalue().encode("utf-8")
    else:
        out = io.BytesIO()
        sheets.write_xlsx(out, headers, rows, title=str(sheet.title))
        content = out.getvalue()
    return _attachment(content, _filename(step, sheet, f".{fmt}"), fmt)


@require_GET
def sheet_template(request, code, year, kind):
    sheet = _sheet(kind)
    step = get_step_for_user(request, code, year, sheet.step)
    resource = _resource(sheet, step, request)
    out = io.BytesIO()
    sheets.write_xlsx(
        out,
        list(sheets.labels_in(resource).values()),
        [],
        help_rows=sheets.help_rows(resource),
        title=str(sheet.title),
    )
    name = f"{step.commune.code}-{sheet.kind}-template.xlsx"
    return _attachment(out.getvalue(), name, "xlsx")


def _page(request, step, sheet, *, status=200, **extra):
    return render(
        request,
        "partials/sheet_import.html",
        step.context(
            sheet=sheet,
            list_url=step.url(sheet.list_url),
            max_mb=round(sheets.MAX_BYTES / 1048576),
            max_rows=sheets.MAX_ROWS,
            **extra,
        ),
        status=status,
    )


def _preview(request, step, sheet, outcome, token, original):
    """The checked file: rows to add, update, skip, or its errors (400)."""
    return _page(
        request,
        step,
        sheet,
        status=200 if outcome.ok else 400,
        outcome=outcome,
        token=token,
        original=original,
    )


def _expired(request, step, sheet):
    return _page(
        request,
        step,
        sheet,
        status=400,
        refused=_("This preview has expired: upload the file again."),
    )


def _pending(request) -> dict:
    return request.session.setdefault(SESSION_KEY, {})


@require_http_methods(["GET", "POST"])
def sheet_import(request, code, year, kind):
    """The upload form; a POSTed file is checked (a dry run) and shown as a preview."""
    sheet = _sheet(kind)
    step = get_step_for_user(request, code, year, sheet.step, write=True)
    if request.method == "GET":
        return _page(request, step, sheet)
    upload = request.FILES.get("file")
    if upload is None:
        return _page(request, step, sheet, status=400, refused=_("Choose a file to import."))
    if upload.size > sheets.MAX_BYTES:
        return _page(
            request,
            step,
            sheet,
            status=400,
            refused=_("The file is too large: the limit is %(limit)s MB. Split it in parts.")
            % {"limit": round(sheets.MAX_BYTES / 1048576)},
        )
    try:
        table = sheets.read_table(upload, upload.name)
    except sheets.Refused as refused:
        return _page(request, step, sheet, status=400, refused=refused.message)
    large = len(table) - 1 > sheets.ASYNC_ROWS
    outcome = None if large else sheets.run(_resource(sheet, step, request), table, dry_run=True)
    token = ""
    if large or outcome.ok:
        token = uuid.uuid4().hex
        suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
        upload.seek(0)
        stored = default_storage.save(f"imports/{token}{suffix}", ContentFile(upload.read()))
        pending = {
            "name": stored,
            "original": upload.name[:200],
            "kind": kind,
            "cycle": step.cycle.pk,
            "rows": len(table) - 1,
        }
        _pending(request)[token] = pending
        request.session.modified = True
        if large:  # more than a few seconds of work: a job, with its progress shown
            return _start_job(request, step, sheet, token, pending, "check")
    return _preview(request, step, sheet, outcome, token, upload.name)


@require_POST
def sheet_import_confirm(request, code, year, kind):
    """Write the previewed file: every row or none, refused on a locked step."""
    sheet = _sheet(kind)
    step = get_step_for_user(request, code, year, sheet.step, write=True)
    token = request.POST.get("token", "")
    pending = _pending(request).get(token)
    if not pending or pending["kind"] != kind or pending["cycle"] != step.cycle.pk:
        return _expired(request, step, sheet)
    if pending.get("rows", 0) > sheets.ASYNC_ROWS:
        return _start_job(request, step, sheet, token, pending, "write")
    try:
        with default_storage.open(pending["name"], "rb") as stored:
            data = io.BytesIO(stored.read())
    except FileNotFoundError:
        return _expired(request, step, sheet)
    outcome, refused = _write(request, step, sheet, data, pending["original"])
    if refused or not outcome.ok:
        return _page(
            request, step, sheet, status=409 if refused else 400, refused=refused, outcome=outcome
        )
    _done(request, token, outcome)
    default_storage.delete(pending["name"])
    return redirect(step.url(sheet.list_url))


def _done(request, token, outcome) -> None:
    """A written import: its token is used up, the list page says what it did."""
    _pending(request).pop(token, None)
    request.session.modified = True
    messages.success(
        request,
        _("Import done: %(new)s added, %(update)s updated, %(skip)s unchanged.")
        % {"new": outcome.new, "update": outcome.update, "skip": outcome.skip},
    )


def _write(request, step, sheet, data, original):
    try:
        outcome = sheets.confirm(
            data,
            kind=sheet.kind,
            cycle=step.cycle,
            user=request.user,
            name=original,
            private=step.can_edit_commune,
        )
        return outcome, ""
    except sheets.Refused as refused:
        return None, refused.message
    except ServiceError as error:
        return None, " ".join(error.messages)


# --- Large files: the check and the write run as jobs (communes.jobs) ---------------------------

JOB_KIND = "sheet_import"


def _job_key(token: str, phase: str) -> str:
    return f"{JOB_KIND}:{token}:{phase}"


@jobs.handler(JOB_KIND)
def run_import_job(job) -> dict:
    """Check ("check") or write ("write") a stored file; the result is the preview's outcome."""
    from .models import PlanningCycle, User

    params = job.params
    cycle = PlanningCycle.objects.select_related("commune").get(pk=params["cycle"])
    user = User.objects.get(pk=params["user"])
    total = params.get("rows") or 0
    job.report(0, total, params["phase"])
    action = sheets.confirm if params["phase"] == "write" else sheets.dry_run
    with translation.override(params["language"]):
        with default_storage.open(params["name"], "rb") as stored:
            data = io.BytesIO(stored.read())
        try:
            outcome = action(
                data,
                kind=params["kind"],
                cycle=cycle,
                user=user,
                name=params["original"],
                private=params["private"],
                progress=lambda n: job.report(n, total, params["phase"]),
            )
        except sheets.Refused as refused:
            return {"refused": refused.message}
        except ServiceError as error:
            return {"refused": " ".join(error.messages)}
    if params["phase"] == "write" and outcome.ok:
        default_storage.delete(params["name"])
    return {
        "new": outcome.new,
        "update": outcome.update,
        "skip": outcome.skip,
        "rows": outcome.rows,
        "errors": [[e.row, e.column, e.message] for e in outcome.errors[:500]],
        "error_count": len(outcome.errors),
    }


def _start_job(request, step, sheet, token, pending, phase):
    jobs.request(
        _job_key(token, phase),
        kind=JOB_KIND,
        params={
            **pending,
            "phase": phase,
            "user": request.user.pk,
            "private": step.can_edit_commune,
            "language": translation.get_language() or "fr",
        },
        label=f"Import {sheet.kind} {step.commune.code} ({phase})",
    )
    url = step.url("communes:sheet_import_status", sheet.kind)
    return redirect(f"{url}?token={token}&phase={phase}")


@require_GET
def sheet_import_status(request, code, year, kind):
    """A large file's check or write under way (polled), then its preview or its result."""
    sheet = _sheet(kind)
    step = get_step_for_user(request, code, year, sheet.step, write=True)
    token, phase = request.GET.get("token", ""), request.GET.get("phase", "check")
    pending = _pending(request).get(token)
    if not pending or pending["kind"] != kind or phase not in ("check", "write"):
        raise Http404
    key = _job_key(token, phase)
    jobs.recover_stale([key])
    job = Job.objects.filter(key=key).first()
    if job is None:
        raise Http404
    if job.pending or job.state == Job.State.FAILED:
        context = step.context(sheet=sheet, job=job, token=token, phase=phase, poll_seconds=2)
        template = "partials/_sheet_job.html" if request.htmx else "partials/sheet_job.html"
        return render(request, template, context)
    result = job.result or {}
    if result.get("refused"):
        return _page(request, step, sheet, status=400, refused=result["refused"])
    outcome = sheets.Outcome(
        new=result["new"],
        update=result["update"],
        skip=result["skip"],
        rows=result["rows"],
        errors=[sheets.RowError(*e) for e in result["errors"]],
    )
    if phase == "write" and outcome.ok:
        _done(request, token, outcome)
        response = redirect(step.url(sheet.list_url))
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = step.url(sheet.list_url)
        return response
    if request.htmx:  # the box is replaced by the whole preview: ask the browser to load it
        response = HttpResponse(status=204)
        response["HX-Redirect"] = request.get_full_path()
        return response
    token = token if outcome.ok and phase == "check" else ""
    return _preview(request, step, sheet, outcome, token, pending["original"])
