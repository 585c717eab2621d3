"""The step registry: how the five-step tracker learns about each step's content.

The approach has five fixed steps, so their numbers and titles live here. Each
step app fills in the rest from its ``AppConfig.ready()`` with ``register_step``:

- ``url_name``: the step's page, reversed with ``code`` and ``year`` (the cycle's first year);
- ``summary(cycles)``: for a batch of cycles, ``{cycle.pk: StepSummary}`` - the checklist, the
  key figures and the raw totals every reader shares (tracker, step page, annex, reports). It
  lives in the step app's ``selectors.py`` and runs a fixed number of queries whatever the
  number of cycles;
- ``annex(cycle, summary)``: the step's part of the PAC annex (``AnnexSection``);
- ``export(cycle)``: the step's records as JSON-ready data for ``export_dossier``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from communes.bilingual import BiText

if TYPE_CHECKING:
    from .models import PlanningCycle


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool


class Figure(NamedTuple):
    """A key figure of a step: its raw number (for sums and reports) and how pages print it."""

    label: Any
    value: Any  # int, Decimal or None: what the figure is
    text: Any  # what the step panel and the tracker show


@dataclass
class StepSummary:
    """What a step holds for one cycle, as its selector computed it (one place per figure).

    ``totals`` is the step's own dataclass of raw numbers (sessions, women, men, costs...):
    the step page, the annex and reports read their figures from it rather than querying again.
    """

    checklist: list[ChecklistItem] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    totals: Any = None


@dataclass
class AnnexSection:
    """A step's part of the PAC annex: its line in the summary of the five steps (figures as
    ``(label, value, kind)`` with kind int, percent or money, and its first and last dates),
    and the fields of ``AnnexData`` the step fills in (``data``)."""

    figures: list = field(default_factory=list)
    first_date: datetime.date | None = None
    last_date: datetime.date | None = None
    data: dict = field(default_factory=dict)


class Bi(NamedTuple):
    """A French/Arabic pair for the annex; prints the one of the active language (French when
    there is no Arabic), so one gathered value serves both annexes."""

    fr: str
    ar: str

    def __str__(self) -> str:
        if (get_language() or "").startswith("ar") and self.ar:
            return self.ar
        return self.fr


def bi_name(obj) -> Bi:
    return Bi(obj.name_fr, obj.name_ar)


def bi_title(obj) -> BiText:
    """A record's title in both languages; printed with the "not translated" mark when the
    annex's language has none (``communes.bilingual``)."""
    return BiText(obj.title, obj.title_ar)


def choice_label(choices, value):
    """A choice's label, lazily translated: printed in the annex's language, not the request's."""
    try:
        return choices(value).label
    except ValueError:
        return value


@dataclass(frozen=True)
class StepDefinition:
    number: int
    title: Any
    description: Any = ""
    url_name: str | None = None
    # The step's read model: ``totals(cycles)`` reads a batch of cycles in a fixed number of
    # queries ({cycle.pk: totals}); ``summary_of(totals)`` makes one cycle's checklist and
    # printed figures from them, without a query.
    totals: Callable[[Sequence[PlanningCycle]], Mapping[int, Any]] | None = None
    summary_of: Callable[[Any], StepSummary] | None = None
    annex: Callable[[PlanningCycle, StepSummary], AnnexSection] | None = None
    export: Callable[[PlanningCycle], Any] | None = None

    def summary(self, cycles: Sequence[PlanningCycle]) -> dict[int, StepSummary]:
        """``{cycle.pk: StepSummary}`` for a batch of cycles: the step's queries, once."""
        if self.totals is None or not cycles:
            return {}
        return {pk: self.summary_of(t) for pk, t in self.totals(cycles).items()}


_STEPS: dict[int, StepDefinition] = {
    1: StepDefinition(
        1,
        _("Awareness of territorial actors"),
        _("Information sessions for elected officials, staff, services and civil society."),
    ),
    2: StepDefinition(
        2,
        _("Training of commune staff"),
        _("Trainings on gender and migration in territorial planning."),
    ),
    3: StepDefinition(
        3,
        _("Participatory diagnosis"),
        _("Consultations with the population, migrants and their families; findings and ideas."),
    ),
    4: StepDefinition(
        4,
        _("Appropriation and prioritisation"),
        _("Scoring and ranking of ideas, IEECAG opinion, council decision."),
    ),
    5: StepDefinition(
        5,
        _("Integration into the PAC"),
        _("Action sheets with budget, schedule and indicators; the PAC annex."),
    ),
}
STEP_NUMBERS = tuple(sorted(_STEPS))


def register_step(number: int, **content: Any) -> None:
    """Fill in a step's content hooks (called from a step app's ``ready()``)."""
    if number not in _STEPS:
        raise ValueError(f"The approach has steps 1-5, not {number}.")
    unknown = set(content) - {"url_name", "totals", "summary_of", "annex", "export", "description"}
    if unknown:
        raise TypeError(f"Unknown step hooks: {sorted(unknown)}")
    _STEPS[number] = replace(_STEPS[number], **content)


def get_step(number: int) -> StepDefinition:
    return _STEPS[number]


def all_steps() -> list[StepDefinition]:
    return [_STEPS[n] for n in STEP_NUMBERS]


def summaries(cycles: Sequence[PlanningCycle]) -> dict[int, dict[int, StepSummary]]:
    """``{step number: {cycle.pk: StepSummary}}`` for a batch of cycles: each step's selector
    once, so a page of 25 communes costs what one commune costs."""
    return {s.number: s.summary(cycles) for s in all_steps()}
