"""Measurements of features built elsewhere: the national export of PAC actions and the imports.

Each is one entry of ``MEASURES``: a label, the dotted path of a function, and how to call it.
Until the function exists on this branch it prints "not available" (ImportError), so wiring a
feature after its merge is one line. ``measure`` times a call and takes its peak memory
(tracemalloc: Python allocations, what "memory flat in the number of rows" is about) in a
second, traced call, so that tracing does not slow the timed one.
"""

from __future__ import annotations

import importlib
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    label: str
    target: str  # "package.module:function"
    call: Callable  # receives the function, calls it on the seeded country, returns a note
    aim: str = ""
    traced: bool = True  # False for calls that write: run once, no memory figure


def _load(target: str):
    module, _sep, name = target.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        raise ImportError(str(error)) from error


def measure(func: Callable, *args, traced: bool = True):
    """(result, seconds, peak MB of Python allocations or None) of ``func(*args)``.

    Timed without tracing (tracemalloc slows allocation-heavy code several times over), then,
    when ``traced``, called once more under tracemalloc for its peak memory. Calls that write
    (a confirmed import) are not repeated: ``traced=False``.
    """
    start = time.perf_counter()
    result = func(*args)
    elapsed = time.perf_counter() - start
    if not traced:
        return result, elapsed, None
    tracemalloc.start()
    try:
        func(*args)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, elapsed, peak / 1024 / 1024


def _national_user():
    from communes.models import Membership, Role, User

    user, _created = User.objects.get_or_create(username="bench-national")
    Membership.objects.get_or_create(user=user, role=Role.NATIONAL)
    return user


def _export(fmt: str):
    """Call ``write_national_actions(fileobj, fmt, user)`` (helper "data") into a temporary
    file, in French, as the national administrator; say how much it wrote."""

    def call(write) -> str:
        import tempfile

        from django.utils import translation

        with tempfile.TemporaryFile() as fileobj, translation.override("fr"):
            rows = write(fileobj, fmt, _national_user())
            size = fileobj.tell()
        return f"{rows:,} actions, {size / 1024 / 1024:.1f} MB"

    return call


# One line per measurement. The export is wired to helper "data"'s function as it stands on its
# branch; the imports name functions that do not exist yet: once the import engine is merged,
# point each at a small function that builds the file and runs the import (the harness stays).
MEASURES = [
    Measure(
        "national export of all PAC actions, csv",
        "actions.exports:write_national_actions",
        _export("csv"),
        "< 30 s, memory flat",
    ),
    Measure(
        "national export of all PAC actions, xlsx",
        "actions.exports:write_national_actions",
        _export("xlsx"),
        "< 30 s, memory flat",
    ),
    Measure(
        "import 5,000 PAC actions, dry run",
        "actions.imports:bench_import_actions",
        lambda f: f(n=5000, dry_run=True),
        "< 10 s",
    ),
    Measure(
        "import 5,000 PAC actions, confirmed",
        "actions.imports:bench_import_actions",
        lambda f: f(n=5000, dry_run=False),
        traced=False,
    ),
    Measure(
        "import 20,000 trainees, dry run",
        "communes.imports:bench_import_trainees",
        lambda f: f(n=20000, dry_run=True),
    ),
    Measure(
        "import 20,000 trainees, confirmed",
        "communes.imports:bench_import_trainees",
        lambda f: f(n=20000, dry_run=False),
        traced=False,
    ),
]


def run(out=print, measures=MEASURES) -> list[dict]:
    out(f"{'export / import':<44} {'time':>8} {'peak MB':>8}  aim / note")
    rows = []
    for item in measures:
        try:
            func = _load(item.target)
        except ImportError:
            out(f"{item.label:<44} not available on this branch ({item.target})")
            continue
        try:
            note, elapsed, peak = measure(item.call, func, traced=item.traced)
        except Exception as error:  # noqa: BLE001 (a changed signature must not stop the bench)
            out(f"{item.label:<44} failed: {type(error).__name__}: {error}")
            continue
        memory = "-" if peak is None else f"{peak:.1f}"
        out(f"{item.label:<44} {elapsed:>7.2f}s {memory:>8}  {item.aim} {note or ''}".rstrip())
        rows.append({"label": item.label, "seconds": elapsed, "peak_mb": peak, "note": note})
    return rows
