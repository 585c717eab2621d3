"""Pages at national scale: median and p95 of repeated requests, query counts, and the floor.

The floor is the same aggregate written as ONE hand-made SQL query (participants by sex,
ideas by outcome, budget by source, grouped as the page groups them): what the database
alone needs. A page's time over the floor's is the price of everything else (the ORM, the
read model, the template); the reporting issue aims at 3x at most.

Adding a page is one line in ``PAGES``; a URL that does not resolve on this branch is
printed as "not on this branch" .
"""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, reset_queries
from django.template import Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

# Targets printed beside the figures (on PostgreSQL, this 2-core machine); never asserted.
TARGET_P95_MS = {"country": 300, "region": 300, "province": 300, "commune": 100}
TARGET_RATIO = 3.0


@dataclass(frozen=True)
class Page:
    label: str
    url: str  # may name {region}, {province}, {commune}: filled from the seeded country
    floor: str  # the grouping of its floor query: country, region, province or commune


PAGES = [
    Page("country (12 regions)", "/regions/", "country"),
    Page("country report (12 regions)", "/report/", "country"),
    Page("region {region} ({n_region} communes, first page)", "/regions/{region}/", "region"),
    Page("region report {region} (first page)", "/regions/{region}/report/", "region"),
    Page("province {province}", "/provinces/{province}/", "province"),
    Page("commune {commune}", "/communes/{commune}/", "commune"),
]


def places():
    """The region with the most communes, its largest province and one of its communes."""
    from django.db.models import Count

    from communes.models import Commune, Province, Region

    region = Region.objects.annotate(n=Count("provinces__communes")).order_by("-n").first()
    province = (
        Province.objects.filter(region=region)
        .annotate(n=Count("communes"))
        .order_by("-n", "code")
        .first()
    )
    commune = (
        Commune.objects.filter(province=province, cycles__isnull=False).order_by("code").first()
    )
    return {
        "region": region.code,
        "n_region": region.n,
        "region_id": region.pk,
        "province": province.code,
        "province_id": province.pk,
        "commune": commune.code,
        "commune_id": commune.pk,
    }


def _tables():
    from actions.models import Financing, IdeaDecision, PacAction
    from communes.models import Commune, PlanningCycle, Province
    from communes.records import AwarenessSession, SessionAttendance, Trainee, Training
    from diagnostics.models import ConsultationSession, Participation, ProjectIdea

    models = {
        "commune": Commune,
        "province": Province,
        "cycle": PlanningCycle,
        "awareness": AwarenessSession,
        "attendance": SessionAttendance,
        "training": Training,
        "trainee": Trainee,
        "consultation": ConsultationSession,
        "participation": Participation,
        "idea": ProjectIdea,
        "decision": IdeaDecision,
        "action": PacAction,
        "financing": Financing,
    }
    return {key: model._meta.db_table for key, model in models.items()}


# One query: the people, ideas and money of every cycle in scope, grouped as the page groups.
# The cycles in scope are inlined (NOT MATERIALIZED) so that one commune reads its own rows
# through the indexes instead of whole tables.
FLOOR_SQL = """
WITH cyc AS NOT MATERIALIZED (
    SELECT y.id AS cycle_id, {group} AS g
    FROM {cycle} y JOIN {commune} c ON c.id = y.commune_id JOIN {province} p ON p.id = c.province_id
    WHERE {where}
),
aware AS (
    SELECT cyc.g, SUM(a.women) AS w, SUM(a.men) AS m
    FROM {attendance} a JOIN {awareness} s ON s.id = a.session_id
    JOIN cyc ON cyc.cycle_id = s.cycle_id
    GROUP BY cyc.g
),
trained AS (
    SELECT cyc.g, SUM(CASE WHEN t.sex = 'f' THEN 1 ELSE 0 END) AS w,
           SUM(CASE WHEN t.sex = 'm' THEN 1 ELSE 0 END) AS m
    FROM {trainee} t JOIN {training} r ON r.id = t.training_id JOIN cyc ON cyc.cycle_id = r.cycle_id
    GROUP BY cyc.g
),
consulted AS (
    SELECT cyc.g, SUM(pa.women) AS w, SUM(pa.men) AS m
    FROM {participation} pa JOIN {consultation} s ON s.id = pa.session_id
    JOIN cyc ON cyc.cycle_id = s.cycle_id
    GROUP BY cyc.g
),
ideas AS (
    SELECT cyc.g, COUNT(*) AS n,
           SUM(CASE WHEN d.outcome = 'adopted' THEN 1 ELSE 0 END) AS adopted,
           SUM(CASE WHEN d.outcome = 'postponed' THEN 1 ELSE 0 END) AS postponed,
           SUM(CASE WHEN d.outcome = 'rejected' THEN 1 ELSE 0 END) AS rejected
    FROM {idea} i LEFT JOIN {decision} d ON d.idea_id = i.id JOIN cyc ON cyc.cycle_id = i.cycle_id
    GROUP BY cyc.g
),
money AS (
    SELECT cyc.g, SUM(f.amount) AS total,
           SUM(CASE WHEN f.source = 'prim' THEN f.amount ELSE 0 END) AS prim,
           SUM(CASE WHEN f.source = 'commune' THEN f.amount ELSE 0 END) AS commune,
           SUM(CASE WHEN a.gender_marker > 0 THEN f.amount ELSE 0 END) AS gender,
           SUM(CASE WHEN a.migration_marker > 0 THEN f.amount ELSE 0 END) AS migration
    FROM {financing} f JOIN {action} a ON a.id = f.action_id JOIN cyc ON cyc.cycle_id = a.cycle_id
    GROUP BY cyc.g
)
SELECT g.g, aware.w, aware.m, trained.w, trained.m, consulted.w, consulted.m,
       ideas.n, ideas.adopted, ideas.postponed, ideas.rejected,
       money.total, money.prim, money.commune, money.gender, money.migration
FROM (SELECT DISTINCT g FROM cyc) g
LEFT JOIN aware ON aware.g = g.g LEFT JOIN trained ON trained.g = g.g
LEFT JOIN consulted ON consulted.g = g.g LEFT JOIN ideas ON ideas.g = g.g
LEFT JOIN money ON money.g = g.g
ORDER BY g.g
"""

# The grouping and the scope of each floor: the country by region, a region or a province
# by commune (its comparison table), a commune alone.
FLOORS = {
    "country": ("p.region_id", "1 = 1"),
    "region": ("c.id", "p.region_id = {region_id}"),
    "province": ("c.id", "c.province_id = {province_id}"),
    "commune": ("c.id", "c.id = {commune_id}"),
}


def floor_sql(kind: str, where: dict) -> str:
    group, scope = FLOORS[kind]
    return FLOOR_SQL.format(group=group, where=scope.format(**where), **_tables())


def p95(timings) -> float:
    return statistics.quantiles(timings, n=20, method="inclusive")[-1]


def time_floor(sql: str, repeat: int):
    timings = []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()  # warm-up
        for _ in range(repeat):
            start = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000, p95(timings) * 1000, len(rows)


@contextmanager
def rendered_as_a_server_does():
    """Templates rendered without the test environment's instrumentation. Under it the test
    client collects every rendered template's context, and the receiver holding them stays in
    Django's cache of signal receivers' parameters (``django.utils.inspect``, 512 entries): each
    page timed kept its 22 responses' contexts alive, so later requests paid for full garbage
    collections of hundreds of thousands of dead pages' objects - a cost of the bench, not of a
    server (a region report measured 87 ms median, 360 ms p95 under it)."""
    from django.test.utils import _TestState

    saved = getattr(_TestState, "saved_data", None)
    if saved is None:  # no test environment set up: nothing to undo
        yield
        return
    instrumented, Template._render = Template._render, saved.template_render
    try:
        yield
    finally:
        Template._render = instrumented


def time_page(client, url: str, repeat: int, warmup: int = 2):
    with rendered_as_a_server_does():
        return _time_page(client, url, repeat, warmup)


def _time_page(client, url: str, repeat: int, warmup: int):
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings, n_queries = [], 0
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        n_queries = len(queries)
    return statistics.median(timings) * 1000, p95(timings) * 1000, n_queries


def national_client():
    from communes.models import Membership, Role, User

    admin, _created = User.objects.get_or_create(username="bench-national")
    Membership.objects.get_or_create(user=admin, role=Role.NATIONAL)
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    return client


def run(repeat: int = 20, out=print, pages=PAGES) -> list[dict]:
    """Time every page and its floor on the current database; print a table, return the rows."""
    where = places()
    client = national_client()
    out(
        f"{'page':<44} {'median':>7} {'p95':>7} {'aim p95':>7} {'queries':>7} "
        f"{'floor med':>9} {'floor p95':>9} {'ratio':>6} {'aim':>4}"
    )
    rows = []
    for page in pages:
        label = page.label.format(**where)
        url = page.url.format(**where)
        try:
            resolve(url)
        except Resolver404:
            out(f"{label:<44} not on this branch ({url})")
            continue
        median, worst, n_queries = time_page(client, url, repeat)
        f_median, f_p95, f_rows = time_floor(floor_sql(page.floor, where), repeat)
        ratio = median / f_median if f_median else float("nan")
        aim = TARGET_P95_MS[page.floor]
        out(
            f"{label:<44} {median:>5.1f}ms {worst:>5.1f}ms {'<' + str(aim):>7} {n_queries:>7} "
            f"{f_median:>7.1f}ms {f_p95:>7.1f}ms {ratio:>5.1f}x {'<=' + str(int(TARGET_RATIO)):>4}"
        )
        rows.append(
            {
                "page": label,
                "url": url,
                "median_ms": median,
                "p95_ms": worst,
                "queries": n_queries,
                "floor_median_ms": f_median,
                "floor_p95_ms": f_p95,
                "floor_rows": f_rows,
                "ratio": ratio,
            }
        )
    out(
        "(times in ms over "
        f"{repeat} requests after 2 warm-up ones; floor = the same figures in one SQL query; "
        "ratio = page median / floor median)"
    )
    return rows
