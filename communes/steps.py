"""The step registry: how the five-step tracker learns about each step's content.

The approach has five fixed steps, so their numbers and titles live here. Each
step app fills in the rest from its ``AppConfig.ready()`` with ``register_step``:

- ``url_name``: the step's page, reversed with ``code`` and ``year`` (the cycle's first year);
- ``checklist(cycles)``: for a batch of cycles, ``{cycle.pk: [ChecklistItem, ...]}``;
  it must run a fixed number of queries whatever the number of cycles;
- ``figures(cycles)``: ``{cycle.pk: [(label, value), ...]}`` key figures for the tracker;
- ``export(cycle)``: the step's records as JSON-ready data for ``export_dossier``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import PlanningCycle


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool


Batch = Callable[[Sequence["PlanningCycle"]], Mapping[int, list]]


@dataclass(frozen=True)
class StepDefinition:
    number: int
    title: Any
    description: Any = ""
    url_name: str | None = None
    checklist: Batch | None = None
    figures: Batch | None = None
    export: Callable[[PlanningCycle], Any] | None = None


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
    unknown = set(content) - {"url_name", "checklist", "figures", "export", "description"}
    if unknown:
        raise TypeError(f"Unknown step hooks: {sorted(unknown)}")
    _STEPS[number] = replace(_STEPS[number], **content)


def get_step(number: int) -> StepDefinition:
    return _STEPS[number]


def all_steps() -> list[StepDefinition]:
    return [_STEPS[n] for n in STEP_NUMBERS]
