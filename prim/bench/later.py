"""Measurements of features built elsewhere: the national export of PAC actions and the imports.

Each is one entry of ``MEASURES``: a label, the dotted path of a function, and how to call it.
Until the function exists on this branch it prints "not available" (ImportError), so wiring a
feature after its merge is one line. ``measure`` times a call and takes its peak memory
(tracemalloc: Python allocations, what "memory flat in the number of rows" is about).
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


def _load(target: str):
    module, _sep, name = target.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        raise ImportError(str(error)) from error


def measure(func: Callable, *args, **kwargs):
    """(result, seconds, peak MB of Python allocations) of one call."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = func(*args, **kwargs)
    finally:
        elapsed = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, elapsed, peak / 1024 / 1024


def _national_user():
    from communes.models import Membership, Role, User

    user, _created = User.objects.get_or_create(username="bench-national")
    Membership.objects.get_or_create(user=user, role=Role.NATIONAL)
    return user


def _drain(result) -> str:
    """Consume a streamed export (an iterable of chunks) and say how big it was."""
    if isinstance(result, bytes | str):
        return f"{len(result):,} bytes"
    size = sum(len(chunk) for chunk in result)
    return f"{size:,} bytes streamed"


# One line per measurement. The calls are a guess at the data helper's API: adjust the lambda
# to the merged signature (the harness around it stays).
MEASURES = [
    Measure(
        "national export of all PAC actions, csv",
        "actions.exports:export_pac_actions",
        lambda f: _drain(f(user=_national_user(), file_format="csv")),
        "< 30 s, memory flat",
    ),
    Measure(
        "national export of all PAC actions, xlsx",
        "actions.exports:export_pac_actions",
        lambda f: _drain(f(user=_national_user(), file_format="xlsx")),
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
        note, elapsed, peak = measure(item.call, func)
        out(f"{item.label:<44} {elapsed:>7.2f}s {peak:>8.1f}  {item.aim} {note or ''}".rstrip())
        rows.append({"label": item.label, "seconds": elapsed, "peak_mb": peak, "note": note})
    return rows
