"""`make bench`, the PAC annex with its workers (``python -m prim.bench.annex``).

With real ``db_worker`` processes: the cold build of the annex of the
largest demo commune and of a synthetic 40-action commune beside WeasyPrint alone on the
same HTML, the time from a change to both annexes ready with one and two workers, the p95
of 20 downloads of an up-to-date annex, and a national rebuild measured on a sample and
extrapolated. It asserts only that the set-up worked: it measures, it does not judge.
"""

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prim.settings")
os.environ.setdefault("DEBUG", "1")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

# --- The PAC annex (actions/annex): built by background workers ----------------------------------

ANNEX_ACTIONS = 40
NATIONAL_SAMPLE = 6  # cycles built to measure a national rebuild (then extrapolated)
NATIONAL_COMMUNES = 1503  # the country (prim.bench.seed.COUNTRY)
DOWNLOADS = 20


def _worker_env(media_root):
    """The settings a worker process needs to share this benchmark's database and files."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media_root),
        "TASKS_BACKEND": "database",
        "ANNEX_BUILD_DELAY_SECONDS": "0",
    }


def _start_workers(n, media_root):
    import subprocess
    import sys

    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
    command += ["--interval", "0.1", "--verbosity", "0"]
    return [
        subprocess.Popen(command, env=_worker_env(media_root), cwd=settings_base_dir())  # noqa: S603
        for _ in range(n)
    ]


def _stop_workers(workers):
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(30)


def settings_base_dir():
    from django.conf import settings

    return settings.BASE_DIR


def _wait_done(keys, timeout=600):
    from communes.models import Job

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        states = dict(Job.objects.filter(key__in=keys).values_list("key", "state"))
        if len(states) == len(keys) and set(states.values()) == {"done"}:
            return
        if "failed" in states.values():
            raise RuntimeError(f"a build failed: {states}")
        time.sleep(0.05)
    raise TimeoutError(keys)


def annex_main():
    """The annex with its workers: change -> both PDFs ready, downloads, build vs WeasyPrint
    alone, and a national rebuild measured on a sample.

    The workers are real ``manage.py db_worker`` processes sharing this benchmark's database
    (a file for SQLite, or PostgreSQL with DATABASE_URL) and files.
    """
    import io
    import tempfile
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Count
    from pypdf import PdfReader

    from actions.annex import tasks
    from actions.annex.data import gather_annex
    from actions.annex.render import html_to_pdf, render_html
    from actions.annex.sample import build_sample_cycle
    from communes.models import Commune, PlanningCycle
    from communes.services import cycle_open

    try:
        setup_test_environment()
    except RuntimeError:
        pass  # already set up
    media_root = Path(tempfile.mkdtemp(prefix="prim-bench-annex-"))
    if connection.vendor == "sqlite":
        # Worker processes must open the same database: a file, not memory.
        connection.settings_dict["TEST"]["NAME"] = str(media_root / "bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    settings.MEDIA_ROOT = media_root
    settings.ANNEX_BUILD_DELAY_SECONDS = 0
    try:
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", allow_production=True, stdout=quiet)
        cycles = PlanningCycle.objects.select_related("commune__province__region")
        largest = cycles.annotate(n=Count("pac_actions")).order_by("-n", "commune__code").first()
        province = largest.commune.province

        def synthetic(code, n_actions):
            commune = Commune.objects.create(
                code=code, province=province, kind="urban", name_fr=code, name_ar="جماعة"
            )
            cycle = cycle_open(commune=commune, start_year=2022, by=None)
            build_sample_cycle(cycle, n_actions=n_actions)
            return cycles.get(pk=cycle.pk)

        big = synthetic("bench-annex", ANNEX_ACTIONS)
        sample = [synthetic(f"bench-national-{i}", 3) for i in range(NATIONAL_SAMPLE)]
        from django_tasks_db.models import DBTaskResult

        from communes.models import Job

        # What building the data queued is not measured: the changes below are.
        Job.objects.all().delete()
        DBTaskResult.objects.all().delete()
        print()
        cpus, vendor = os.cpu_count(), connection.vendor
        print(f"PAC annex with background workers, {cpus} CPUs, database {vendor}")

        # 1. Cold build of the 40-action annex, and WeasyPrint alone on the same HTML.
        heads = ("actions", 7), ("pages", 6), ("cold s", 7), ("WeasyPrint s", 13), ("ratio", 6)
        print(f"{'annex':<36} " + " ".join(f"{head:>{width}}" for head, width in heads))
        for cycle in (largest, big):
            actions = cycle.pac_actions.count()
            for language in ("fr", "ar"):
                start = time.perf_counter()
                html = render_html(gather_annex(cycle), language)
                pdf = html_to_pdf(html)
                cold = time.perf_counter() - start
                start = time.perf_counter()
                html_to_pdf(html)
                floor = time.perf_counter() - start
                pages = len(PdfReader(io.BytesIO(pdf)).pages)
                label = f"{cycle.commune.code} ({language})"
                print(
                    f"{label:<36} {actions:>7} {pages:>6} {cold:>7.2f} {floor:>13.2f} "
                    f"{cold / floor:>6.2f}"
                )

        # 2. From a change to both annexes ready, with one and with two workers.
        print()
        print(f"{'change -> both annexes ready':<36} {'1 worker s':>11} {'2 workers s':>12}")
        timings = {}
        for n_workers in (1, 2):
            workers = _start_workers(n_workers, media_root)
            try:
                time.sleep(3)  # the workers start (Django set-up)
                for cycle in (largest, big):
                    action = cycle.pac_actions.order_by("pk").first()
                    keys = [tasks.job_key(cycle.pk, language) for language in ("fr", "ar")]
                    start = time.perf_counter()
                    action.title = f"{action.title[:150]} ({n_workers})"
                    action.save()  # committed: the signal queues both languages
                    _wait_done(keys)
                    timings[(cycle.pk, n_workers)] = time.perf_counter() - start
            finally:
                _stop_workers(workers)
        for cycle in (largest, big):
            label = f"{cycle.commune.code}, {cycle.pac_actions.count()} actions"
            print(f"{label:<36} {timings[(cycle.pk, 1)]:>11.2f} {timings[(cycle.pk, 2)]:>12.2f}")

        # 3. Downloads of an up-to-date annex (the data is read to check the fingerprint).
        from django.test import Client

        from communes.models import Membership, Role, User

        reader = User.objects.create(username="bench-reader")
        Membership.objects.create(user=reader, role=Role.NATIONAL)
        client = Client()
        client.force_login(reader, backend="django.contrib.auth.backends.ModelBackend")
        url = f"/communes/{big.commune.code}/pac/2022/annex/fr.pdf"
        durations = []
        for _ in range(DOWNLOADS):
            start = time.perf_counter()
            response = client.get(url)
            b"".join(response.streaming_content)
            durations.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        p95 = statistics.quantiles(durations, n=20)[-1] * 1000
        print()
        print(
            f"download of the up-to-date 40-action annex: median "
            f"{statistics.median(durations) * 1000:.0f} ms, p95 {p95:.0f} ms over {DOWNLOADS}"
        )

        # 4. A national rebuild, measured on a sample of cycles and extrapolated.
        print()
        print(
            f"national rebuild, sample of {NATIONAL_SAMPLE} cycles (3 actions each) x 2 languages"
        )
        for n_workers in (1, 2):
            for cycle in sample:
                action = cycle.pac_actions.order_by("pk").first()
                action.title = f"{action.title[:150]} [{n_workers}]"
                action.save()
            keys = [tasks.job_key(c.pk, language) for c in sample for language in ("fr", "ar")]
            workers = _start_workers(n_workers, media_root)
            try:
                time.sleep(3)
                start = time.perf_counter()
                _wait_done(keys)
                elapsed = time.perf_counter() - start
            finally:
                _stop_workers(workers)
            per_minute = len(keys) / elapsed * 60
            hours = NATIONAL_COMMUNES * 2 / per_minute / 60
            print(
                f"  {n_workers} worker(s): {per_minute:.0f} annexes a minute; "
                f"{NATIONAL_COMMUNES:,} communes x 2 languages would take about {hours:.1f} h "
                "(extrapolated from the sample)"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    annex_main()
