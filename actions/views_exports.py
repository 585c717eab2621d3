"""The national export page: prepare the file of every PAC action the user may see (a task),
follow its progress (htmx polling, or a reload without JavaScript), download it when ready."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods

from communes import jobs
from communes.job_model import Job
from communes.scope import user_scope

from . import exports

FORMATS = ("xlsx", "csv")
POLL_SECONDS = 2


def _allowed(request) -> None:
    scope = user_scope(request.user)
    if not (scope.national or scope.region_ids):
        raise PermissionDenied  # commune members export their own lists page by page


def _jobs(request) -> dict[str, Job | None]:
    language = translation.get_language() or "fr"
    keys = {fmt: exports.job_key(request.user, fmt, language) for fmt in FORMATS}
    jobs.recover_stale(keys.values())
    found = {job.key: job for job in Job.objects.filter(key__in=keys.values())}
    return {fmt: found.get(key) for fmt, key in keys.items()}


@require_http_methods(["GET", "POST"])
def national_export(request):
    _allowed(request)
    if request.method == "POST":
        fmt = request.POST.get("fmt")
        if fmt not in FORMATS:
            raise Http404
        exports.request_export(request.user, fmt)
        return redirect("national_export")
    states = _jobs(request)
    context = {
        "states": [(fmt, job) for fmt, job in states.items()],
        "pending": any(job and job.pending for job in states.values()),
        "poll_seconds": POLL_SECONDS,
    }
    template = "actions/_export_box.html" if request.htmx else "actions/national_export.html"
    return render(request, template, context)


@require_GET
def national_export_file(request, fmt):
    _allowed(request)
    job = _jobs(request).get(fmt)
    if job is None or job.state != Job.State.DONE or not (job.result or {}).get("file"):
        raise Http404
    stamp = timezone.localdate().isoformat()
    return FileResponse(
        default_storage.open(job.result["file"], "rb"),
        as_attachment=True,
        filename=f"pac-actions-{stamp}.{fmt}",
    )
