"""`make bench`: dashboards at national scale, in a throw-away test database.

Builds 1,503 communes (the country's count) spread over the 12 regions, a PAC cycle
for a third of them, then times the country page, a region page and a commune page
over repeated requests and prints the figures with their query counts. Nothing is
asserted: it measures.
"""

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prim.settings")
os.environ.setdefault("DEBUG", "1")
django.setup()

from django.db import connection  # noqa: E402
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
        provinces.extend(existing or [Province.objects.create(
            code=f"bench-{region.code}", region=region, name_fr=f"P{region.code}",
            name_ar=f"إقليم {region.code}")])
    communes = Commune.objects.bulk_create(
        Commune(code=f"bench-{i}", province=provinces[i % len(provinces)], kind="rural",
                name_fr=f"Commune {i}", name_ar=f"جماعة {i}")
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

        print(f"PRIM Planner benchmark - {Commune.objects.count()} communes, "
              f"database {connection.vendor}, {REPEAT} requests each")
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
