"""The report pages: a region, a province and the country, with their comparison tables.

Every page reads ``prim.reports.build_report`` (one read model); what a cell prints - and
whether a small count of a vulnerable group is hidden - is decided once in ``Column.cell``,
so the page, the csv and the xlsx show the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from communes.access import get_region_for_user
from communes.generic import page_of
from communes.models import Commune, PlanningCycle, Province, Region, StepStatus
from communes.numbers import grouped, money, share
from communes.scope import user_scope
from communes.steps import STEP_NUMBERS, all_steps
from communes.tracker import build_trackers

from . import charts, exports
from .reports import SMALL_COUNT, Filters, build_report, figure_url


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    kind: str = "int"  # int, money, percent
    vulnerable: bool = False  # a count of people of a vulnerable group
    link: str | None = None  # the figure whose records the cell links to

    def value(self, figures):
        if self.key == "cost":
            return figures.cost.total
        if self.key == "gender_share":
            return figures.cost.gender_share
        if self.key == "migration_share":
            return figures.cost.migration_share
        return getattr(figures, self.key)

    def cell(self, figures, *, protect: bool):
        return show(
            self.value(figures), kind=self.kind, vulnerable=self.vulnerable, protect=protect
        )


def show(value, *, kind: str = "int", vulnerable: bool = False, protect: bool):
    """``(value, text)``: the raw value for spreadsheets (``None`` when hidden) and what people
    read. ``protect`` (views that leave the commune) hides 1 to 4 people of a vulnerable
    group as "< 5"; the commune's own pages pass False and keep the exact figure."""
    if vulnerable and protect and 0 < value < SMALL_COUNT:
        return None, pgettext("a count too small to show", "< %(n)s") % {"n": SMALL_COUNT}
    if kind == "money":
        return value, money(value)
    if kind == "percent":  # in spreadsheets: the percentage to one decimal
        return (None if value is None else round(value, 1)), share(value)
    return value, grouped(value)


COLUMNS = [
    Column("sensitised_women", _("Sensitised: women"), link="sensitised"),
    Column("sensitised_men", _("Sensitised: men"), link="sensitised"),
    Column("trained_women", _("Trained: women"), link="trained"),
    Column("trained_men", _("Trained: men"), link="trained"),
    Column("consulted_women", _("Consulted: women"), link="consulted"),
    Column("consulted_men", _("Consulted: men"), link="consulted"),
    Column("migrants", _("Consulted: migrants"), vulnerable=True, link="migrants"),
    Column("ideas", _("Ideas identified"), link="ideas"),
    Column("prioritised", _("Ideas prioritised"), link="prioritised"),
    Column("adopted", _("Ideas adopted"), link="adopted"),
    Column("actions", _("PAC actions"), link="actions"),
    Column("financed", _("Actions financed"), link="financed"),
    Column("in_progress", _("Actions in progress"), link="in_progress"),
    Column("completed", _("Actions completed"), link="completed"),
    Column("cost", _("Budget (MAD)"), kind="money", link="cost"),
    Column("gender_share", _("Gender-marked share"), kind="percent", link="cost"),
    Column("migration_share", _("Migration-marked share"), kind="percent", link="cost"),
]
SORTS = {c.key for c in COLUMNS} | {"name"}


def _filters(request, *, provinces=None, regions=None) -> Filters:
    """The GET form, read leniently: a value that makes no sense is ignored, never a 500."""
    get = request.GET

    def number(name, allowed):
        try:
            value = int(get.get(name, ""))
        except ValueError:
            return None
        return value if value in allowed else None

    status = get.get("status", "")
    province = get.get("province", "")
    region = get.get("region", "")
    return Filters(
        period=number("period", range(1990, 2101)),
        step=number("step", STEP_NUMBERS),
        status=status if status in StepStatus.Status.values else "",
        province=province if provinces is not None and province in provinces else "",
        region=region if regions is not None and region in regions else "",
        query=get.get("q", "").replace("\x00", "").strip()[:100],
    )


def _querystring(request, **changes) -> str:
    params = {k: v for k, v in request.GET.items() if k not in changes}
    params.update({k: v for k, v in changes.items() if v not in (None, "")})
    return urlencode(params)


def _cells(figures, *, protect: bool, cycle=None):
    """The comparison table's cells of a row; with ``cycle``, each links to its records."""
    cells = []
    for column in COLUMNS:
        value, text = column.cell(figures, protect=protect)
        url = figure_url(cycle, column.link) if cycle and column.link else None
        cells.append({"column": column, "value": value, "text": text, "url": url})
    return cells


def _spreadsheet_value(cell):
    return cell["value"] if cell["value"] is not None else cell["text"]


def _sort(rows, sort: str):
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        key, descending = "name", False
    column = next((c for c in COLUMNS if c.key == key), None)
    if column is None:
        rows.sort(key=lambda r: str(r.name).casefold(), reverse=descending)
    else:
        # Undefined shares sort last whatever the direction.
        present = [r for r in rows if column.value(r.figures) is not None]
        absent = [r for r in rows if column.value(r.figures) is None]
        present.sort(key=lambda r: column.value(r.figures), reverse=descending)
        rows[:] = present + absent
    return ("-" if descending else "") + key


def _headers(request, sort: str):
    current = sort.lstrip("-")
    headers = []
    for key, label in [("name", None), *((c.key, c.label) for c in COLUMNS)]:
        ascending = sort == key
        target = f"-{key}" if ascending or (key != "name" and current != key) else key
        headers.append(
            {
                "key": key,
                "label": label,
                "url": "?" + _querystring(request, sort=target, page=None) + "#comparison",
                "active": current == key,
                "order": "ascending" if sort == key else "descending",
            }
        )
    return headers


def _periods(communes):
    return list(
        PlanningCycle.objects.filter(commune__in=communes)
        .values_list("start_year", "end_year")
        .distinct()
        .order_by("-start_year", "end_year")
    )


def _report_page(
    request, *, scope_name, title, communes, level, keys=(), provinces=None, regions=None, extra
):
    """The common page: filters, headline figures, charts, and the comparison table of the
    communes (``level`` "commune") or of the regions (``level`` "region").

    Queries: the report (cycles, their stored figures, the groups' names: see ``build_report``)
    + the page's communes' step statuses and trackers (1 + 11) +
    the PAC periods for the filter (1) + the provinces of a region (1, region page only).
    """
    filters = _filters(
        request,
        provinces=provinces and {p.code for p in provinces},
        regions=regions and {r.code for r in regions},
    )
    counted = communes
    if filters.province:
        counted = counted.filter(province__code=filters.province)
    if filters.region:  # the country page: that region's row and totals alone, under its name
        counted = counted.filter(province__region__code=filters.region)
        keys = [k for k in keys if k.code == filters.region]
        title, scope_name = keys[0].name, f"{scope_name}-region-{filters.region}"
    if filters.query and level == "commune":
        counted = counted.filter(
            Q(name_fr__icontains=filters.query) | Q(name_ar__icontains=filters.query)
        )
    report = build_report(counted, filters, group_by=level, keys=keys)
    protect = True  # views that leave the commune: region, province, country
    sort = _sort(report.rows, request.GET.get("sort", "name"))
    page = page_of(request, report.rows)
    rows = list(page.object_list)
    if level == "commune":
        page_cycles = [r.cycle for r in rows]
        prefetch_related_objects(page_cycles, "steps")  # the page's 25, not all counted
        trackers = build_trackers(page_cycles, report.summaries(page_cycles))
        for r in rows:
            r.steps = trackers.get(r.cycle.pk, [])
    download = request.GET.get("download")
    if download in exports.FORMATS:
        first = _("Commune") if level == "commune" else _("Region")
        return exports.response(
            download,
            name=scope_name,
            headers=[first, *(c.label for c in COLUMNS)],
            rows=[
                [str(r.name), *map(_spreadsheet_value, _cells(r.figures, protect=protect))]
                for r in report.rows
            ],
            total=[_("Total"), *map(_spreadsheet_value, _cells(report.total, protect=protect))],
        )
    total = report.total
    context = {
        "title": title,
        "level": level,
        "report": report,
        "total": total,
        "protect": protect,
        "small": SMALL_COUNT,
        "filters": filters,
        "periods": _periods(communes),
        "provinces": provinces,
        "regions": regions,
        "steps": all_steps(),
        "statuses": StepStatus.Status.choices,
        "rows": [
            {"row": r, "cells": _cells(r.figures, protect=protect, cycle=r.cycle)} for r in rows
        ],
        "total_cells": _cells(total, protect=protect),
        "headers": _headers(request, sort),
        "sort": sort,
        "page": page,
        "page_query": _querystring(request, page=None),
        "export_csv": "?" + _querystring(request, download="csv", page=None),
        "export_xlsx": "?" + _querystring(request, download="xlsx", page=None),
        "funnel_chart": charts.funnel(total),
        "people_chart": charts.women_and_men(total),
        "sources_chart": charts.sources(total),
        "groups": group_rows(total, protect=protect),
        "migrant_women": show(total.migrant_women, vulnerable=True, protect=protect)[1],
        "migrant_men": show(total.migrant_men, vulnerable=True, protect=protect)[1],
        **extra,
    }
    return render(request, "prim/report.html", context)


def group_rows(figures, *, protect: bool) -> list[dict]:
    """Consultation participants by group, women and men as people may read them. When one
    sex is hidden ("< 5"), the other is too ("*"), so the total cannot give it away."""
    rows = []
    for g in figures.group_rows():
        cells = {
            part: show(getattr(g, part), vulnerable=g.is_migrant, protect=protect)
            for part in ("women", "men", "total")
        }
        hidden = cells["women"][0] is None or cells["men"][0] is None
        texts = {part: text for part, (_v, text) in cells.items()}
        if hidden and cells["total"][0] is not None:
            for part in ("women", "men"):
                if cells[part][0] is not None:
                    texts[part] = "*"
        rows.append({"group": g, **texts})
    return rows


@require_GET
def region_report(request, code):
    region = get_region_for_user(request, code)
    provinces = list(Province.objects.filter(region=region).order_by("name_fr"))
    return _report_page(
        request,
        scope_name=f"region-{region.code}",
        title=region.name,
        communes=Commune.objects.filter(province__region=region),
        level="commune",
        provinces=provinces,
        extra={"region": region},
    )


@require_GET
def province_report(request, code):
    province = get_object_or_404(
        Province.objects.visible_to(request.user).select_related("region"), code=code
    )
    return _report_page(
        request,
        scope_name=f"province-{province.code}",
        title=province.name,
        communes=Commune.objects.filter(province=province),
        level="commune",
        extra={"province": province, "region": province.region},
    )


@require_GET
def country_report(request):
    if not user_scope(request.user).national:
        raise Http404
    regions = list(Region.objects.all())
    return _report_page(
        request,
        scope_name="morocco",
        title=_("Morocco"),
        communes=Commune.objects.all(),
        level="region",
        keys=regions,
        regions=regions,
        extra={"country": True},
    )
