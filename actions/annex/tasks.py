"""The PAC annex, prepared ahead: every change to what it shows queues a build of both languages.

How a change is noticed: ``post_save``, ``post_delete`` and ``m2m_changed`` receivers, connected
once (``ActionsConfig.ready``), on every model of the step apps that leads to a PAC cycle through
its foreign keys (found once per model class, cached), on the territory (names on the cover) and on
the reference lists (their names print in every annex: a national rebuild, queued as one job that
fans out in the worker). The cycles a transaction touched are collected and requested once, after
it commits (``transaction.on_commit``): a rolled-back edit queues nothing, and a service saving
twenty rows asks once. Signals rather than a call in each service: the services stay as they are,
and a new model or service is covered without anyone remembering the annex. Writes that send no
signal (``QuerySet.update``) are caught when a page asks (``annex_states`` requests a build when
no file matches the data).

Coalescing and "one build at a time": ``communes.jobs`` (one ``Job`` row per cycle and
language). The build itself checks the data's fingerprint first: a request whose data did not
change in the end costs one read of the data, no rendering.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from communes import jobs
from communes.dossier import path_to_cycle
from communes.models import Job
from communes.signals import send_cycles_changed, stored_generation

from . import LANGUAGES

logger = logging.getLogger(__name__)

KIND = "annex"
NATIONAL_KIND = "annex-national"
NATIONAL_KEY = "annex:national"
# An editor's change goes before the national rebuild's thousand builds.
NATIONAL_PRIORITY = -10
STEP_APPS = ("communes", "diagnostics", "actions")
# Records the annex never shows, although they hang under a cycle.
IGNORED = {
    "communes.sessionattachment",
    # The follow-up after adoption and the legal records the draft does not print.
    "actions.actionyear",
    "actions.actionyearmoney",
    "actions.indicatormeasure",
    "actions.governorvisa",
    "actions.actionchange",
    "actions.annexfreeze",
}


def job_key(cycle_id: int, language: str) -> str:
    return f"annex:{cycle_id}:{language}"


def request_annex(cycle_ids, *, priority: int = 0) -> None:
    """Queue a build of both languages for each cycle (coalesced: see ``communes.jobs``)."""
    from django.conf import settings

    from communes.models import PlanningCycle

    cycles = PlanningCycle.objects.filter(pk__in=set(cycle_ids)).select_related("commune")
    for cycle in cycles:
        for language in LANGUAGES:
            jobs.request(
                job_key(cycle.pk, language),
                kind=KIND,
                params={"cycle": cycle.pk, "language": language},
                label=f"PAC annex {cycle.commune.code} {cycle.period} ({language})",
                priority=priority,
                delay=settings.ANNEX_BUILD_DELAY_SECONDS,
            )


def request_national() -> None:
    """Every annex of the country, after a change every annex shows (a reference list)."""
    jobs.request(
        NATIONAL_KEY, kind=NATIONAL_KIND, label="PAC annexes: national rebuild", priority=-5
    )


@jobs.handler(KIND)
def build_annex(job: Job) -> dict:
    """Build one annex (one cycle, one language) from the data as it is now."""
    from communes.models import PlanningCycle

    from .data import gather_annex
    from .render import build

    cycle = (
        PlanningCycle.objects.select_related("commune__province__region")
        .filter(pk=job.params["cycle"])
        .first()
    )
    if cycle is None:
        return {"skipped": "the cycle no longer exists"}
    steps = ("read", "render", "store")
    job.report(0, len(steps), steps[0])
    name, built = build(
        gather_annex(cycle),
        job.params["language"],
        progress=lambda step: job.report(steps.index(step), note=step),
    )
    return {"file": name, "built": built}


@jobs.handler(NATIONAL_KIND)
def rebuild_all(job: Job) -> dict:
    """Queue every cycle's annex, a thousand at a time, at a lower priority than edits."""
    from communes.models import PlanningCycle

    ids = list(PlanningCycle.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        request_annex(ids[start : start + 1000], priority=NATIONAL_PRIORITY)
        job.report(min(start + 1000, len(ids)), len(ids))
    return {"cycles": len(ids)}


# --- What a page shows: is the annex of this cycle ready? --------------------------------------


@dataclass
class AnnexState:
    language: str
    state: str  # "ready", "preparing" or "failed"
    built: object | None = None  # render.Built: the up-to-date PDF
    previous: object | None = None  # render.Built: an older PDF, offered as not up to date
    job: Job | None = None
    # The texts this language's annex prints in the other language, for want of a translation.
    missing: list = dataclasses.field(default_factory=list)


def annex_states(cycle, languages=LANGUAGES) -> list[AnnexState]:
    """For each language: the up-to-date PDF, or that one is being prepared (and the previous).

    Reads the data once (the annex's own queries) to know its fingerprint. A missing build is
    requested here (a write that sent no signal, a new deploy, a first visit), except after the
    last attempt failed: a new change retries it. A worker that died is noticed here too.
    """
    from .data import gather_annex, missing_translations
    from .render import built_versions, current_key

    data = gather_annex(cycle)
    keys = {language: job_key(cycle.pk, language) for language in languages}
    jobs.recover_stale(keys.values())
    rows = {job.key: job for job in Job.objects.filter(key__in=keys.values())}
    states = []
    for language in languages:
        current = current_key(data, language)
        versions = built_versions(data.cycle_uuid, language)
        built = next((v for v in versions if v.key == current), None)
        job = rows.get(keys[language])
        if built is None and (job is None or job.state == Job.State.DONE):
            request_annex([cycle.pk])  # both languages
            rows = {job.key: job for job in Job.objects.filter(key__in=keys.values())}
            job = rows[keys[language]]
            versions = built_versions(data.cycle_uuid, language)  # an immediate backend built it
            built = next((v for v in versions if v.key == current), None)
        previous = next((v for v in versions if v.key != current), None)
        if built:
            state = "ready"
        elif job is not None and job.state == Job.State.FAILED:
            state = "failed"
        else:
            state = "preparing"
        states.append(
            AnnexState(language, state, built, previous, job, missing_translations(data, language))
        )
    return states


# --- Noticing changes ---------------------------------------------------------------------------


def _watched(model, *, ignored=IGNORED) -> str | None:
    """How a change to ``model`` reaches annexes: "cycle", "territory", "national" or None."""
    from communes.models import Commune, Province, Region

    meta = model._meta
    if meta.app_label not in STEP_APPS or meta.label_lower in ignored:
        return None
    if meta.model_name.startswith("historical"):  # django-simple-history's copies
        return None
    if model in (Region, Province, Commune):
        return "territory"
    if any(base.__name__ == "ReferenceItem" for base in model.__mro__):
        return "national"
    if meta.auto_created:  # an implicit many-to-many table: m2m_changed covers it
        return None
    return "cycle" if path_to_cycle(model) is not None else None


_watch = cache(_watched)
# What the report figures count: every record under a cycle, the follow-up years the annex
# leaves out included (``communes.signals.cycles_changed``, read by ``prim.figures``).
_watch_figures = cache(lambda model: _watched(model, ignored=()))


def cycles_of(instance, memo: dict | None = None) -> set[int]:
    """The PAC cycles whose annex shows ``instance``: no query when it holds its cycle, else one
    (remembered in ``memo`` for the rest of the transaction: twenty costs of one action, one
    query)."""
    from communes.models import Commune, PlanningCycle, Province, Region

    model = type(instance)
    if model is Region:
        lookup = {"commune__province__region_id": instance.pk}
    elif model is Province:
        lookup = {"commune__province_id": instance.pk}
    elif model is Commune:
        lookup = {"commune_id": instance.pk}
    else:
        path = path_to_cycle(model)
        if path == ():
            return {instance.pk}
        first = model._meta.get_field(path[0])
        value = getattr(instance, first.attname)
        if value is None:
            return set()
        if len(path) == 1:
            return {value}
        rest = "__".join(path[1:])
        memo = {} if memo is None else memo
        hop = (first.related_model, value)
        if hop not in memo:
            rows = first.related_model._base_manager.filter(pk=value).values_list(rest, flat=True)
            memo[hop] = set(rows) - {None}
        return memo[hop]
    return set(PlanningCycle.objects.filter(**lookup).values_list("pk", flat=True))


class _Batch:
    """The cycles one transaction changed, requested once after it commits."""

    def __init__(self):
        self.cycle_ids: set[int] = set()  # the annexes to build
        self.figure_ids: set[int] = set()  # the cycles whose report figures changed
        self.dropped: set[int] = set()  # their stored figures deleted, as of ``generation``
        self.generation = stored_generation()
        self.national = False
        self.memo: dict = {}
        self.done = False

    def flush(self):
        if self.done:
            return
        self.done = True
        try:
            send_cycles_changed(self.figure_ids, everything=self.national)
        except Exception:
            logger.exception("Report figures: could not mark cycles %s changed", self.figure_ids)
        try:
            if self.national:
                request_national()
            if self.cycle_ids:
                request_annex(self.cycle_ids)
        except Exception:
            # The change is saved; the annex will be requested when a page asks for it.
            logger.exception("PAC annex: could not queue the build of cycles %s", self.cycle_ids)


class _Flush:
    """An on-commit callback of a batch. Every change registers one (a savepoint rolled back
    takes its own away, not the others'); the first that runs does the batch's work."""

    def __init__(self, batch: _Batch):
        self.batch = batch

    def __call__(self):
        self.batch.flush()


def _changed(instance, how: str | None, figures: str | None = None) -> None:
    """``how``: what the change means to the annex; ``figures``: to the report figures."""
    connection = transaction.get_connection()
    batch = None
    if connection.in_atomic_block:
        # This transaction's batch, if a change before this one started it.
        batch = next(
            (
                callback.batch
                for _, callback, _ in reversed(connection.run_on_commit)
                if isinstance(callback, _Flush) and not callback.batch.done
            ),
            None,
        )
    batch = batch or _Batch()
    if how == "national" or figures == "national":
        if not batch.national:
            send_cycles_changed(everything=True)  # at once, in the writer's transaction
        batch.national = True
    elif how or figures:
        cycles = cycles_of(instance, batch.memo)
        if how:
            batch.cycle_ids |= cycles
        if figures:
            batch.figure_ids |= cycles
            if batch.generation != stored_generation():  # a report stored figures since
                batch.dropped, batch.generation = set(), stored_generation()
            if not cycles <= batch.dropped:
                # The report figures are dropped at once, in the writer's transaction (a report
                # it reads next, or one after its commit, computes them anew), and again after
                # the commit (``flush``: a report that read the old records meanwhile stored
                # them).
                send_cycles_changed(cycles - batch.dropped)
                batch.dropped |= cycles
    if batch.cycle_ids or batch.figure_ids or batch.national:
        transaction.on_commit(_Flush(batch))  # outside a transaction: at once


def on_save(sender, instance, raw=False, **kwargs):
    how, figures = _watch(sender), _watch_figures(sender)
    if (how or figures) and not raw:
        _changed(instance, how, figures)


def on_delete(sender, instance, **kwargs):
    how, figures = _watch(sender), _watch_figures(sender)
    if how or figures:
        _changed(instance, how, figures)


def on_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    how, figures = _watch(type(instance)), _watch_figures(type(instance))
    if how == "cycle" or figures == "cycle":
        _changed(instance, how and "cycle", figures and "cycle")
    elif pk_set and _watch_figures(model) == "cycle":
        # Seen from the other side (a group's findings): each record of the changed side.
        how = _watch(model) and "cycle"
        for obj in model._base_manager.filter(pk__in=pk_set):
            _changed(obj, how, "cycle")


def connect() -> None:
    """Connect the receivers (once, from ``ActionsConfig.ready``)."""
    for app in STEP_APPS:
        for model in apps.get_app_config(app).get_models():
            if _watch(model) or _watch_figures(model):
                post_save.connect(on_save, sender=model, dispatch_uid=f"annex-save-{model}")
                post_delete.connect(on_delete, sender=model, dispatch_uid=f"annex-del-{model}")
    m2m_changed.connect(on_m2m, dispatch_uid="annex-m2m")
