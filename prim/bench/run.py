"""One database's share of `make bench` (started by ``python -m prim.bench``, one process per
database): seed the country on a throw-away database, then run the parts asked for."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import django


def machine() -> str:
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(meminfo.readline().split()[1])
        memory = f", {kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, ValueError, IndexError):
        memory = ""
    load = ", load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    return f"{os.cpu_count()} CPUs{memory}, {platform.system()} {platform.machine()}{load}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parts", default="pages,weights,later,annex")
    parser.add_argument("--communes", type=int, default=None)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prim.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from prim.bench import later, pages, seed, weights

    setup_test_environment()
    print(f"database {connection.vendor}, {machine()}, Python {platform.python_version()}")
    workdir = Path(tempfile.mkdtemp(prefix="prim-bench-"))
    if connection.vendor == "sqlite":
        # A file, so that a real server process (the page weights) reads the same data.
        connection.settings_dict["TEST"]["NAME"] = str(workdir / "bench.sqlite3")
    if parts & {"pages", "weights", "later", "imports"}:
        old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
        try:
            start = time.perf_counter()
            seeded = seed.seed(args.communes or seed.COUNTRY, with_records_for_existing=True)
            print(
                f"seeded {seeded.communes:,} communes with a PAC cycle each: {seeded.total:,} rows "
                f"in {time.perf_counter() - start:.0f} s (bulk inserts, no history rows)",
                flush=True,
            )
            if "pages" in parts:
                print()
                pages.run(repeat=args.requests)
            if "weights" in parts:
                print()
                weights.run(workdir=workdir)
            if "later" in parts:
                print()
                later.run()
            elif "imports" in parts:  # the imports of ``later`` alone
                print()
                later.run(measures=[m for m in later.MEASURES if m.label.startswith("import ")])
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    shutil.rmtree(workdir, ignore_errors=True)  # the database file, collected static files
    sys.stdout.flush()
    if "annex" in parts:
        # Its own throw-away database: on SQLite the workers share a file created first.
        import subprocess

        return subprocess.call([sys.executable, "-m", "prim.bench.annex"])  # noqa: S603
    return 0


if __name__ == "__main__":
    sys.exit(main())
