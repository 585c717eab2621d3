"""The national export of PAC actions: every action the user may see, with its costs,
financing by source and markers, one row an action (csv or xlsx), as a background task.

``write_national_actions(fileobj, fmt, user)`` writes the file in chunks of ``CHUNK`` actions
(three queries a chunk: actions with their territory, costs by action, financing by action and
source), so memory stays flat whatever the number of rows: csv is streamed, xlsx written by
openpyxl's write-only workbook. ``request_export`` runs it as a job (``communes.jobs``) and the
page offers the file from ``default_storage`` when ready.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from decimal import Decimal

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _

from communes import jobs
from communes.job_model import Job
from communes.models import Commune, User
from communes.sheets import escape

from .models import ActionCost, Financing, Marker, PacAction

KIND = "national_actions"
CHUNK = 2000


def job_key(user, fmt: str, language: str) -> str:
    return f"{KIND}:{user.pk}:{fmt}:{language}"


def headers() -> list[str]:
    return [
        _("Region"),
        _("Province"),
        _("Commune code"),
        _("Commune"),
        _("PAC"),
        _("Code"),
        _("Title"),
        _("PAC axis"),
        _("Sector"),
        _("Implementation status"),
        _("Gender marker"),
        _("Migration marker"),
        _("Start"),
        _("End"),
        _("Beneficiaries: women"),
        _("Beneficiaries: men"),
        _("Cost (MAD)"),
        _("Financing (MAD)"),
        *[
            _("Financing: %(source)s (MAD)") % {"source": label}
            for _code, label in Financing.Source.choices
        ],
    ]


def _rows(user):
    """The export's rows, chunk by chunk (pk order), amounts as numbers."""
    communes = Commune.objects.visible_to(user)
    base = PacAction.objects.filter(cycle__commune__in=communes).order_by("pk")
    statuses = dict(PacAction.Status.choices)
    markers = dict(Marker.choices)
    sources = [code for code, _label in Financing.Source.choices]
    arabic = translation.get_language() == "ar"
    name = "name_ar" if arabic else "name_fr"
    last = 0
    while True:
        chunk = list(
            base.filter(pk__gt=last).values_list(
                "pk",
                f"cycle__commune__province__region__{name}",
                f"cycle__commune__province__{name}",
                "cycle__commune__code",
                f"cycle__commune__{name}",
                "cycle__start_year",
                "cycle__end_year",
                "number",
                "title_ar" if arabic else "title",
                "title",
                "axis",
                f"sector__{name}",
                "status",
                "gender_marker",
                "migration_marker",
                "start_date",
                "end_date",
                "beneficiaries_women",
                "beneficiaries_men",
            )[:CHUNK]
        )
        if not chunk:
            return
        ids = [row[0] for row in chunk]
        cost = dict(
            ActionCost.objects.filter(action__in=ids)
            .values_list("action")
            .annotate(t=Sum("amount"))
            .values_list("action", "t")
        )
        money = defaultdict(dict)
        for action, source, total in (
            Financing.objects.filter(action__in=ids)
            .values_list("action", "source")
            .annotate(t=Sum("amount"))
            .values_list("action", "source", "t")
        ):
            money[action][source] = total
        for row in chunk:
            (pk, region, province, code, commune, first, last_year, number, title, title_fr) = row[
                :10
            ]
            axis, sector, status, gender, migration, start, end, women, men = row[10:]
            by_source = money.get(pk, {})
            yield [
                region,
                province,
                code,
                commune,
                f"{first}-{last_year}",
                f"{PacAction.PREFIX}-{number:02d}",
                escape(title or title_fr),
                escape(axis),
                sector,
                str(statuses.get(status, status)),
                str(markers.get(gender, gender)),
                str(markers.get(migration, migration)),
                start,
                end,
                women,
                men,
                float(cost.get(pk) or Decimal(0)),
                float(sum(by_source.values(), Decimal(0))),
                *[float(by_source[s]) if s in by_source else None for s in sources],
            ]
        last = ids[-1]


def write_national_actions(fileobj, fmt: str, user, *, progress=None) -> int:
    """Write every PAC action ``user`` may see to the binary ``fileobj`` as ``fmt`` ("csv" or
    "xlsx"), in the active language; returns the number of rows. Memory flat (chunks)."""
    count = 0
    if fmt == "csv":
        text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(headers())
        for row in _rows(user):
            writer.writerow(["" if v is None else v for v in row])
            count += 1
            if progress and count % CHUNK == 0:
                progress(count)
        text.flush()
        text.detach()
        return count
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("PAC actions")[:31])
    if translation.get_language_bidi():
        sheet.sheet_view.rightToLeft = True
    sheet.append(headers())
    for row in _rows(user):
        sheet.append(row)
        count += 1
        if progress and count % CHUNK == 0:
            progress(count)
    book.save(fileobj)
    return count


def request_export(user, fmt: str) -> Job:
    language = translation.get_language() or "fr"
    return jobs.request(
        job_key(user, fmt, language),
        kind=KIND,
        params={"user": user.pk, "fmt": fmt, "language": language},
        label=f"National export of PAC actions ({fmt}, {language}) for {user.username}",
    )


@jobs.handler(KIND)
def build_export(job: Job) -> dict:
    user = User.objects.get(pk=job.params["user"])
    fmt = job.params["fmt"]
    total = PacAction.objects.filter(cycle__commune__in=Commune.objects.visible_to(user)).count()
    job.report(0, total, "export")
    with translation.override(job.params["language"]):
        buffer = io.BytesIO() if total < 20_000 else None
        if buffer is None:
            import tempfile

            buffer = tempfile.TemporaryFile()
        rows = write_national_actions(
            buffer, fmt, user, progress=lambda n: job.report(n, total, "export")
        )
        buffer.seek(0)
        name = default_storage.save(f"exports/{uuid.uuid4().hex}.{fmt}", File(buffer))
        buffer.close()
    previous = (job.result or {}).get("file")
    if previous:
        default_storage.delete(previous)
    return {"file": name, "rows": rows}
