"""`make bench`: the country generator keeps its word, and the harness runs (figures printed,
never judged here: no timing is asserted)."""

import os
from decimal import Decimal

from django.db.models import Count, Sum

from actions.models import Financing, IdeaDecision, PacAction
from communes.models import Commune, PlanningCycle, Region
from communes.numbering import next_number
from communes.records import SessionAttendance, Trainee
from diagnostics.models import Finding, Participation, ProjectIdea
from prim.bench import __main__ as bench_main
from prim.bench import later, pages, seed


def test_the_country_is_1503_communes_over_the_12_regions(db):
    assert seed.COUNTRY == 1503
    assert set(seed.REGIONS) == set(Region.objects.values_list("code", flat=True))
    assert sum(provinces for _n, provinces in seed.REGIONS.values()) == 75


def test_a_small_country_gets_the_volumes_per_commune_the_bench_claims(db):
    done = seed.seed(12, with_records_for_existing=True)

    assert Commune.objects.count() == 12
    assert done.communes == 12
    assert done.rows == {key: n * 12 for key, n in seed.PER_COMMUNE.items()}
    # Every commune, the pilots included, has one cycle with the full set of records.
    per_cycle = PlanningCycle.objects.annotate(
        n_findings=Count("findings", distinct=True),
        n_ideas=Count("project_ideas", distinct=True),
        n_actions=Count("pac_actions", distinct=True),
        n_trainings=Count("trainings", distinct=True),
        n_sessions=Count("awareness_sessions", distinct=True),
        n_consultations=Count("consultation_sessions", distinct=True),
    )
    assert per_cycle.count() == 12
    for cycle in per_cycle:
        counts = (cycle.n_sessions, cycle.n_trainings, cycle.n_consultations)
        assert counts == (3, 1, 4)
        assert (cycle.n_findings, cycle.n_ideas, cycle.n_actions) == (7, 4, 3)
    assert Trainee.objects.count() == 12 * 20
    assert Trainee.objects.filter(sex="f").count() == 12 * 8
    # Consultations counted people; the money has PRIM among its sources.
    assert Participation.objects.aggregate(n=Sum("women"))["n"] > 0
    sources = set(Financing.objects.values_list("source", flat=True))
    assert {"prim", "commune"} <= sources
    # What the council adopted is what became PAC actions.
    adopted = IdeaDecision.objects.filter(outcome="adopted").count()
    assert adopted == PacAction.objects.count() == 36
    # Bulk inserts: no history rows (said in the bench's output and the README).
    assert not PacAction.history.exists()
    assert not Finding.history.exists()
    # A record added later still takes the next number of its cycle.
    cycle = PlanningCycle.objects.first()
    assert next_number(ProjectIdea, cycle) == 5


def test_the_floor_query_counts_what_the_records_hold(db):
    seed.seed(12, with_records_for_existing=True)
    where = pages.places()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(pages.floor_sql("country", where))
        rows = cursor.fetchall()
    # One row per region with communes; columns as in FLOOR_SQL.
    aware_women = sum(row[1] or 0 for row in rows)
    consulted_men = sum(row[6] or 0 for row in rows)
    ideas = sum(row[7] or 0 for row in rows)
    prim = sum(Decimal(str(row[12] or 0)) for row in rows)
    assert aware_women == SessionAttendance.objects.aggregate(n=Sum("women"))["n"]
    assert consulted_men == Participation.objects.aggregate(n=Sum("men"))["n"]
    assert ideas == ProjectIdea.objects.count()
    assert prim == Financing.objects.filter(source="prim").aggregate(n=Sum("amount"))["n"]


def test_the_harness_prints_a_row_per_page_and_the_missing_features(db):
    seed.seed(12, with_records_for_existing=True)
    lines = []

    rows = pages.run(repeat=2, out=lines.append)

    text = "\n".join(lines)
    measured = {row["page"].split(" ")[0] for row in rows}
    assert {"country", "region", "commune"} <= measured
    assert all(row["queries"] > 0 and row["floor_rows"] > 0 for row in rows)
    assert "country (12 regions)" in text
    assert "province" in text  # measured, or "not on this branch" until it exists
    lines.clear()
    small = later.measures(actions=20, trainees=20)  # the country's sizes are for `make bench`
    later.run(out=lines.append, measures=small)
    assert len(lines) == 1 + len(small)
    assert "import 20 trainees, confirmed" in "\n".join(lines)


def test_the_imports_bench_checks_then_writes_a_file_of_new_rows(db):
    from communes.models import StepStatus
    from prim.bench import imports

    seed.seed(3, with_records_for_existing=True)
    cycle = imports._cycle()
    StepStatus.objects.filter(cycle=cycle).update(status="submitted")  # the bench opens it
    trainees, actions = Trainee.objects.count(), PacAction.objects.count()

    for dry_run in (True, False):
        assert imports.bench_import_trainees(20, dry_run) == "20 rows: 20 new, 0 errors"
        assert imports.bench_import_actions(20, dry_run) == "20 rows: 20 new, 0 errors"

    # The dry runs wrote nothing; each confirmed file added its 20 rows to the first cycle.
    assert Trainee.objects.count() == trainees + 20
    assert PacAction.objects.count() == actions + 20
    assert PacAction.objects.filter(cycle=cycle, title__startswith="Action importée").count() == 20
    imported = PacAction.objects.filter(title="Action importée 00001").get()
    assert imported.ideas.get().decision.outcome == IdeaDecision.Outcome.ADOPTED


def test_a_feature_wired_later_is_timed_with_its_peak_memory(db):
    lines = []
    wired = later.Measure("sum", "builtins:sum", lambda f: f"{f(range(1000))}")

    rows = later.run(out=lines.append, measures=[wired])

    assert rows[0]["label"] == "sum" and rows[0]["note"] == "499500"
    assert rows[0]["peak_mb"] >= 0
    assert lines[1].startswith("sum")


def test_a_feature_whose_signature_changed_is_reported_not_fatal(db):
    lines = []
    wired = later.Measure("sum", "builtins:sum", lambda f: f(1, 2, 3, 4))

    assert later.run(out=lines.append, measures=[wired]) == []
    assert "failed: TypeError" in lines[1]


def test_an_absent_postgresql_is_said_plainly(capsys):
    assert bench_main.postgres_answers("postgres://postgres@127.0.0.1:1/nothing") is not None
    assert bench_main.parse(["--db", "sqlite", "--only", "pages"]).db == "sqlite"


def test_every_part_of_the_bench_imports_and_names_its_aims():
    import importlib

    modules = {name: importlib.import_module(f"prim.bench.{name}") for name in bench_main.PARTS}
    assert importlib.import_module("prim.bench.run").machine().startswith(f"{os.cpu_count()} CPUs")
    assert (modules["weights"].AIM_FIRST_KB, modules["weights"].AIM_REPEAT_KB) == (250, 30)
    assert pages.TARGET_P95_MS == {"country": 300, "region": 300, "province": 300, "commune": 100}
