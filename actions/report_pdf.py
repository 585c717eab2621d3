"""The annual execution report as a PDF (French and Arabic), built in the background.

Like the annex: a page asks ``report_states``; a PDF matching the report's data (its
fingerprint) is served at once, otherwise a job ``report:<cycle>:<year>:<language>`` builds it
(``communes.jobs``) and the page says it is being prepared. Files go through ``default_storage``
under ``report-cache/``; an older file of the same report and language is removed once the new
one is stored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation

from communes import jobs
from communes.models import Job, PlanningCycle

from .annex import LANGUAGES
from .followup import annual_report, report_measure_totals

KIND = "report-pdf"
CACHE_DIR = "report-cache"
TEMPLATE = "actions/adopted/report_pdf.html"


def job_key(cycle_id: int, year: int, language: str) -> str:
    return f"report:{cycle_id}:{year}:{language}"


def fingerprint(report, language: str) -> str:
    rows = [
        [
            r.action.code,
            r.action.title,
            r.record.status if r.record else None,
            r.record.reason if r.record else None,
            str(r.planned),
            str(r.committed),
            str(r.paid),
            [
                [i.name, i.unit, str(i.target)]
                + ([str(m.value), str(m.women), str(m.men), str(m.migrants)] if m else [])
                for i, m in r.measures
            ],
        ]
        for r in report.rows
    ]
    digest = hashlib.sha256(json.dumps([rows, language]).encode())
    digest.update(Path(settings.BASE_DIR, "templates", TEMPLATE).read_bytes())
    digest.update(report.cycle.commune.name.encode())
    return digest.hexdigest()[:24]


def _prefix(cycle, year: int, language: str) -> str:
    return f"{CACHE_DIR}/{cycle.uuid}-{year}-{language}-"


@dataclass
class ReportState:
    language: str
    name: str | None  # the stored PDF, when ready
    failed: bool = False


def report_states(cycle, year: int, report) -> list[ReportState]:
    """For each language: the PDF matching the data, or a build requested (coalesced)."""
    keys = {language: job_key(cycle.pk, year, language) for language in LANGUAGES}
    failed = set(
        Job.objects.filter(key__in=keys.values(), state=Job.State.FAILED).values_list(
            "key", flat=True
        )
    )
    states = []
    for language in LANGUAGES:
        with translation.override(language):  # names and titles print in the language
            name = f"{_prefix(cycle, year, language)}{fingerprint(report, language)}.pdf"
        if not default_storage.exists(name):  # a failed build is tried again too
            jobs.request(
                keys[language],
                kind=KIND,
                params={"cycle": cycle.pk, "year": year, "language": language},
                label=f"Execution report {cycle.commune.code} {year} ({language})",
            )
        # Checked after the request: an immediate backend has built it meanwhile.
        ready = default_storage.exists(name)
        states.append(ReportState(language, name if ready else None, keys[language] in failed))
    return states


@jobs.handler(KIND)
def build_report(job: Job) -> dict:
    from .annex.render import html_to_pdf

    params = job.params
    cycle = (
        PlanningCycle.objects.select_related("commune__province__region")
        .filter(pk=params["cycle"])
        .first()
    )
    if cycle is None:
        return {"skipped": "no such cycle"}
    language = params["language"]
    with translation.override(language):
        report = annual_report(cycle, params["year"])
        name = f"{_prefix(cycle, params['year'], language)}{fingerprint(report, language)}.pdf"
        if default_storage.exists(name):
            return {"file": name, "built": False}
        html = render_to_string(
            TEMPLATE,
            {
                "report": report,
                "measured": report_measure_totals(report),
                "cycle": cycle,
                "commune": cycle.commune,
                "language": language,
            },
        )
        pdf = html_to_pdf(html)
    stored = default_storage.save(name, ContentFile(pdf))
    prefix = _prefix(cycle, params["year"], language).split("/", 1)[1]
    for filename in default_storage.listdir(CACHE_DIR)[1]:
        if filename.startswith(prefix) and f"{CACHE_DIR}/{filename}" != stored:
            default_storage.delete(f"{CACHE_DIR}/{filename}")
    return {"file": stored, "built": True}
