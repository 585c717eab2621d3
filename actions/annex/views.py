"""The PAC annex for its readers (anyone who may read the commune; outsiders get 404).

Builds happen in background workers (``tasks``): these views serve what is built, say when
a build is under way, and offer the previous PDF meanwhile. They never build, never fail for
lack of a file: a missing file is "being prepared".
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from communes.access import get_cycle_for_user

from . import LANGUAGES
from .tasks import annex_states

# How often a page waiting for a build asks again (htmx).
POLL_SECONDS = 3


def annex_filename(cycle, language: str, suffix: str = "") -> str:
    return (
        f"annexe-pac-{cycle.commune.code}-{cycle.start_year}-{cycle.end_year}-{language}"
        f"{suffix}.pdf"
    )


def _pdf(built, filename: str, language: str, cache: str) -> FileResponse:
    response = FileResponse(
        default_storage.open(built.name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
    response["Content-Language"] = language
    # The annex shows a commune's data: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Annex-Cache"] = cache
    return response


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise Http404
    return language


@require_GET
def annex_pdf(request, code, year, language):
    """The up-to-date annex as a PDF attachment, or (303) the page saying it is being prepared."""
    _language(language)
    cycle = get_cycle_for_user(request, code, year)
    (state,) = annex_states(cycle, (language,))
    if state.built is None:
        response = redirect(reverse("annex:status", kwargs={"code": code, "year": year}))
        response.status_code = 303  # See Other: the answer is another page
        return response
    return _pdf(state.built, annex_filename(cycle, language), language, "hit")


@require_GET
def annex_previous(request, code, year, language):
    """The newest PDF built for this cycle, whether or not it matches the data (its date is in
    the file name; the page that links to it says it is not up to date)."""
    _language(language)
    cycle = get_cycle_for_user(request, code, year)
    (state,) = annex_states(cycle, (language,))
    built = state.previous or state.built
    if built is None:
        raise Http404
    day = timezone.localtime(built.built_at).date().isoformat()
    return _pdf(built, annex_filename(cycle, language, f"-{day}"), language, "previous")


@require_GET
def annex_status(request, code, year):
    """The annex box of the PAC page: polled by htmx while a build is under way; a full page
    for browsers without JavaScript (the download link of an annex not ready leads here)."""
    cycle = get_cycle_for_user(request, code, year)
    states = annex_states(cycle)
    context = {
        "page_title": _("The PAC annex"),
        "tab": "pac",
        "commune": cycle.commune,
        "cycle": cycle,
        "states": states,
        "pending": any(state.state == "preparing" for state in states),
        "poll_seconds": POLL_SECONDS,
    }
    if request.htmx:
        return render(request, "actions/_annex_box.html", context)
    return render(request, "actions/annex_status.html", context)
