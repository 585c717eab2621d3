"""Download of the PAC annex: any user who may read the commune (outsiders get 404)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from communes.access import get_cycle_for_user

from . import LANGUAGES


def annex_filename(data, language: str) -> str:
    return f"annexe-pac-{data.commune['code']}-{data.start_year}-{data.end_year}-{language}.pdf"


@require_GET
def annex_pdf(request, code, year, language):
    """The annex of a cycle in French or Arabic, as a PDF attachment."""
    if language not in LANGUAGES:
        raise Http404
    cycle = get_cycle_for_user(request, code, year)
    # WeasyPrint is imported on the first download, not when the URLs load.
    from . import render

    pdf, data, from_cache = render.cached_annex(cycle, language)
    if not from_cache and settings.ANNEX_PREPARE_OTHER_LANGUAGES:
        # The data changed since the last build: the other language's annex is stale too,
        # and is usually the next download.
        render.prepare_in_background(data, [other for other in LANGUAGES if other != language])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{annex_filename(data, language)}"'
    response["Content-Language"] = language
    # The annex shows a commune's data: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Annex-Cache"] = "hit" if from_cache else "miss"
    return response
