"""`python -m prim.bench`: every part, on SQLite and - when it answers - on PostgreSQL.

Each database runs in its own process (settings read ``DATABASE_URL`` once, at start-up).
PostgreSQL is the one in ``DATABASE_URL`` if it names PostgreSQL, otherwise
``postgres://postgres@127.0.0.1:5432/prim_bench``; the bench works on a throw-away test
database beside it (``test_<name>``), never on the database itself.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

PARTS = ("pages", "weights", "later", "imports", "annex")
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/prim_bench"


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_PG


def postgres_answers(url: str) -> str | None:
    """``None`` when the PostgreSQL server of ``url`` answers, else why not.

    The bench creates and drops ``test_<name>`` through the server's ``postgres`` database, as
    Django's test runner does, so the named database itself need not exist.
    """
    try:
        import psycopg
        from psycopg.conninfo import make_conninfo

        psycopg.connect(make_conninfo(url, dbname="postgres"), connect_timeout=3).close()
    except Exception as error:  # noqa: BLE001 (any failure means: not available)
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return None


def parse(argv=None):
    parser = argparse.ArgumentParser(prog="python -m prim.bench", description=__doc__)
    parser.add_argument(
        "--db",
        choices=("both", "sqlite", "postgres"),
        default="both",
        help="both (default: SQLite, then PostgreSQL when it answers), sqlite or postgres",
    )
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"comma-separated parts among {', '.join(PARTS)} (default: all). The page weights "
        "and the slow-3G timing run once, with the first database.",
    )
    parser.add_argument("--communes", type=int, default=None, help="default: the country, 1,503")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        sys.exit(f"unknown part(s): {', '.join(sorted(unknown))}; choose among {', '.join(PARTS)}")
    databases = []
    if args.db in ("both", "sqlite"):
        databases.append(("SQLite", None))
    if args.db in ("both", "postgres"):
        url = postgres_url()
        why = postgres_answers(url)
        if why is None:
            databases.append(("PostgreSQL", url))
        else:
            print(
                f"*** PostgreSQL does not answer at {url} ({why}): its figures are NOT measured. "
                "Start it or set DATABASE_URL=postgres://...",
                flush=True,
            )
            if args.db == "postgres":
                return 1
    status = 0
    for index, (name, url) in enumerate(databases):
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        if url:
            env["DATABASE_URL"] = url
        env.setdefault("DEBUG", "1")
        own = [p for p in parts if p not in ("weights",) or index == 0]
        command = [sys.executable, "-m", "prim.bench.run", "--parts", ",".join(own)]
        command += ["--requests", str(args.requests)]
        if args.communes:
            command += ["--communes", str(args.communes)]
        print(f"\n===== {name} =====", flush=True)
        status |= subprocess.call(command, env=env)  # noqa: S603
    return status


if __name__ == "__main__":
    sys.exit(main())
