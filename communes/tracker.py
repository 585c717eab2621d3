"""The five-step tracker of a cycle: status, checklist and progress of each step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import reverse

from .models import PlanningCycle, StepStatus
from .steps import ChecklistItem, StepDefinition, all_steps, get_step


@dataclass
class StepRow:
    definition: StepDefinition
    status: StepStatus | None
    checklist: list[ChecklistItem] = field(default_factory=list)
    figures: list[tuple[str, object]] = field(default_factory=list)
    url: str | None = None

    @property
    def number(self) -> int:
        return self.definition.number

    @property
    def status_code(self) -> str:
        return self.status.status if self.status else StepStatus.Status.NOT_STARTED

    @property
    def status_label(self) -> str:
        return StepStatus.Status(self.status_code).label

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.checklist if item.done)

    @property
    def progress(self) -> int:
        """Share of the step's checklist that is done, in percent (0 when it has none yet)."""
        if not self.checklist:
            return 0
        return round(100 * self.done_count / len(self.checklist))

    @property
    def missing(self) -> list[str]:
        return [item.label for item in self.checklist if not item.done]

    @property
    def complete(self) -> bool:
        return bool(self.checklist) and not self.missing

    @property
    def submittable(self) -> bool:
        """Complete, and in a state the commune may submit from (the editor's right aside)."""
        return self.complete and self.status_code in StepStatus.SUBMITTABLE


def current_cycle(commune) -> PlanningCycle | None:
    """The newest cycle, read from ``CommuneQuerySet.with_current_cycle()``'s prefetch."""
    cycles = getattr(commune, "prefetched_cycles", None)
    if cycles is None:
        return commune.cycles.order_by("-start_year").first()
    return cycles[0] if cycles else None


def build_trackers(cycles: Sequence[PlanningCycle]) -> dict[int, list[StepRow]]:
    """Tracker rows for many cycles at once.

    Queries: one per step hook (checklist, figures) whatever the number of cycles;
    the step statuses are expected prefetched (``prefetch_related("steps")``).
    """
    cycles = [c for c in cycles if c is not None]
    rows: dict[int, list[StepRow]] = {}
    if not cycles:
        return rows
    steps = all_steps()
    checklists = {s.number: (s.checklist(cycles) if s.checklist else {}) for s in steps}
    figures = {s.number: (s.figures(cycles) if s.figures else {}) for s in steps}
    for cycle in cycles:
        statuses = {st.step: st for st in cycle.steps.all()}
        rows[cycle.pk] = [
            StepRow(
                definition=s,
                status=statuses.get(s.number),
                checklist=list(checklists[s.number].get(cycle.pk, [])),
                figures=list(figures[s.number].get(cycle.pk, [])),
                url=(
                    reverse(
                        s.url_name,
                        kwargs={"code": cycle.commune.code, "year": cycle.start_year},
                    )
                    if s.url_name
                    else None
                ),
            )
            for s in steps
        ]
    return rows


def step_row(cycle: PlanningCycle, status: StepStatus | None, number: int) -> StepRow:
    """The row of one step of one cycle, for a step page's panel (its hooks' queries only)."""
    definition = get_step(number)
    return StepRow(
        definition=definition,
        status=status,
        checklist=list(definition.checklist([cycle]).get(cycle.pk, []))
        if definition.checklist
        else [],
        figures=list(definition.figures([cycle]).get(cycle.pk, [])) if definition.figures else [],
    )
