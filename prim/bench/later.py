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
    # Untimed preparation (records the call needs, a file built in memory): receives the
    # function, returns a state handed to ``call`` as its second argument.
    setup: Callable | None = None


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


def _prepared(name: str, n: int):
    """A ``setup`` calling ``name(n)`` of the measured function's module (untimed)."""

    def setup(func):
        return getattr(importlib.import_module(func.__module__), name)(n)

    return setup


def _import(what: str, label: str, n: int, *, dry_run: bool, aim: str = "") -> Measure:
    """An import of ``n`` new rows of ``label`` by ``prim.bench.imports:bench_import_<what>``,
    its file and records prepared first by ``prepare_<what>`` (untimed); a confirmed import
    writes, so it runs once (not traced)."""
    return Measure(
        f"import {n:,} {label}, {'dry run' if dry_run else 'confirmed'}",
        f"prim.bench.imports:bench_import_{what}",
        lambda f, ready: f(n=n, dry_run=dry_run, prepared=ready),
        aim,
        traced=dry_run,
        setup=_prepared(f"prepare_{what}", n),
    )


def _imports(actions: int, trainees: int) -> list[Measure]:
    """The import engine (``communes.sheets``) on a file of new rows, as the national
    administrator: each measure prepares its own file and records first, untimed."""
    return [
        _import("actions", "PAC actions", actions, dry_run=True, aim="< 10 s"),
        _import("actions", "PAC actions", actions, dry_run=False),
        _import("trainees", "trainees", trainees, dry_run=True),
        _import("trainees", "trainees", trainees, dry_run=False),
    ]


def measures(actions: int = 5000, trainees: int = 20000) -> list[Measure]:
    """Every measurement; the import sizes can be made small (the harness's test)."""
    return [
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
        *_imports(actions, trainees),
    ]


# One line per measurement; a function not on this branch prints "not available".
MEASURES = measures()


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
            args = (func,) if item.setup is None else (func, item.setup(func))
            note, elapsed, peak = measure(item.call, *args, traced=item.traced)
        except Exception as error:  # noqa: BLE001 (a changed signature must not stop the bench)
            out(f"{item.label:<44} failed: {type(error).__name__}: {error}")
            continue
        memory = "-" if peak is None else f"{peak:.1f}"
        out(f"{item.label:<44} {elapsed:>7.2f}s {memory:>8}  {item.aim} {note or ''}".rstrip())
        rows.append({"label": item.label, "seconds": elapsed, "peak_mb": peak, "note": note})
    return rows
