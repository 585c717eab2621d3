"""`make bench`: dashboards at national scale, in a throw-away test database.

Builds 1,503 communes (the country's count) spread over the 12 regions, a PAC cycle
for a third of them, then times the country page, a region page and a commune page
over repeated requests and prints the figures with their query counts; then
(``annex_main``) times the PAC annex of the largest demo commune and of a synthetic
40-action commune, cold and from the cache. It asserts only that the set-up worked
(pages answer 200, the cache serves): it measures, it does not judge.
"""

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prim.settings")
os.environ.setdefault("DEBUG", "1")
django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

N_COMMUNES = 1503
REPEAT = 20


def build():
    from communes.models import Commune, Membership, Province, Region, Role, User
    from communes.services import cycle_open

    regions = list(Region.objects.all())
    provinces = []
    for region in regions:
        existing = list(region.provinces.all())
        provinces.extend(
            existing
            or [
                Province.objects.create(
                    code=f"bench-{region.code}",
                    region=region,
                    name_fr=f"P{region.code}",
                    name_ar=f"إقليم {region.code}",
                )
            ]
        )
    communes = Commune.objects.bulk_create(
        Commune(
            code=f"bench-{i}",
            province=provinces[i % len(provinces)],
            kind="rural",
            name_fr=f"Commune {i}",
            name_ar=f"جماعة {i}",
        )
        for i in range(N_COMMUNES - Commune.objects.count())
    )
    for commune in communes[::3]:
        cycle_open(commune=commune, start_year=2022, by=None)
    admin = User.objects.create(username="bench-admin")
    Membership.objects.create(user=admin, role=Role.NATIONAL)
    return admin


def measure(client, url):
    timings = []
    for _ in range(REPEAT):
        reset_queries()  # the build filled Django's bounded query log; count from empty
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings) * 1000, max(timings) * 1000, len(queries)


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        admin = build()
        client = Client()
        client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
        from communes.models import Commune

        print(
            f"PRIM Planner benchmark - {Commune.objects.count()} communes, "
            f"database {connection.vendor}, {REPEAT} requests each"
        )
        print(f"{'page':<40} {'median ms':>10} {'max ms':>8} {'queries':>8}")
        for label, url in [
            ("country (12 regions)", "/regions/"),
            ("country, search 'commune 1'", "/regions/?q=commune%201"),
            ("region 02 (first page of 25)", "/regions/02/"),
            ("region 02, last page", "/regions/02/?page=last"),
            ("commune oujda", "/communes/oujda/"),
        ]:
            median, worst, n_queries = measure(client, url)
            print(f"{label:<40} {median:>10.1f} {worst:>8.1f} {n_queries:>8}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()


# --- The PAC annex (actions/annex): time to build the PDF, cold and from the cache ------------

ANNEX_ACTIONS = 40
ANNEX_TARGET_S = 2.0


def annex_main():
    """Time the annex of the largest demo commune and of a synthetic 40-action commune.

    Cold = gather the data + render with WeasyPrint (what the first download after a change
    costs); cached = what every later download costs until the commune's data changes.
    """
    import io
    import tempfile
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Count
    from pypdf import PdfReader

    from actions.annex.data import gather_annex
    from actions.annex.render import cached_annex, render_annex
    from actions.annex.sample import build_sample_cycle
    from communes.models import Commune, PlanningCycle
    from communes.services import cycle_open

    try:
        setup_test_environment()
    except RuntimeError:
        pass  # already set up by main()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="prim-bench-annex-"))
    try:
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", allow_production=True, stdout=quiet)
        cycles = PlanningCycle.objects.select_related("commune__province__region")
        largest = cycles.annotate(n=Count("pac_actions")).order_by("-n", "commune__code").first()
        synthetic = Commune.objects.create(
            code="bench-annex",
            province=largest.commune.province,
            kind="urban",
            name_fr="Synthèse",
            name_ar="الجماعة التركيبية",
        )
        build_sample_cycle(
            cycle_open(commune=synthetic, start_year=2022, by=None), n_actions=ANNEX_ACTIONS
        )
        print()
        print(
            f"PAC annex (WeasyPrint, pdf/ua-1), {os.cpu_count()} CPUs, database {connection.vendor}"
        )
        print(
            f"{'annex':<40} {'actions':>7} {'pages':>6} {'cold s':>7} {'cpu s':>6} "
            f"{'cached ms':>10} {'KB':>6}"
        )
        synthetic_cold = {}
        for cycle in (largest, cycles.get(commune=synthetic)):
            actions = cycle.pac_actions.count()
            for language in ("fr", "ar"):
                start, cpu = time.perf_counter(), time.process_time()
                pdf = render_annex(gather_annex(cycle), language)
                cold, cold_cpu = time.perf_counter() - start, time.process_time() - cpu
                cached_annex(cycle, language)  # fills the cache
                start = time.perf_counter()
                _, _, hit = cached_annex(cycle, language)
                cached = (time.perf_counter() - start) * 1000
                assert hit
                pages = len(PdfReader(io.BytesIO(pdf)).pages)
                if cycle.commune_id == synthetic.pk:
                    synthetic_cold[language] = cold
                label = f"{cycle.commune.code} {cycle.period} ({language})"
                print(
                    f"{label:<40} {actions:>7} {pages:>6} {cold:>7.2f} {cold_cpu:>6.2f} "
                    f"{cached:>10.1f} {len(pdf) // 1024:>6}"
                )
        verdicts = ", ".join(
            f"{language} {seconds:.1f} s ({'met' if seconds < ANNEX_TARGET_S else 'missed'})"
            for language, seconds in synthetic_cold.items()
        )
        print(f"target: under {ANNEX_TARGET_S:.0f} s for {ANNEX_ACTIONS} actions: {verdicts}")
        print("cached = served from MEDIA_ROOT/annex-cache/ until the data changes")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    annex_main()
