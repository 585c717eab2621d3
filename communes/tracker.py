"""The five-step tracker of a cycle: status, checklist and progress of each step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import reverse

from .models import PlanningCycle, StepStatus
from .steps import ChecklistItem, StepDefinition, StepSummary, all_steps, get_step, summaries


@dataclass
class StepRow:
    definition: StepDefinition
    status: StepStatus | None
    summary: StepSummary = field(default_factory=StepSummary)
    url: str | None = None

    @property
    def checklist(self) -> list[ChecklistItem]:
        return self.summary.checklist

    @property
    def figures(self) -> list[tuple[object, object]]:
        """``(label, text)`` pairs, as the panel and the tracker print them."""
        return [(f.label, f.text) for f in self.summary.figures]

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


def build_trackers(
    cycles: Sequence[PlanningCycle], by_step: dict[int, dict[int, StepSummary]] | None = None
) -> dict[int, list[StepRow]]:
    """Tracker rows for many cycles at once.

    Queries: each step's ``summary`` selector once, whatever the number of cycles (11 in all:
    see the selectors), none when the caller already read them (``by_step``, from ``summaries``);
    the step statuses are expected prefetched (``prefetch_related("steps")``).
    """
    cycles = [c for c in cycles if c is not None]
    rows: dict[int, list[StepRow]] = {}
    if not cycles:
        return rows
    steps = all_steps()
    if by_step is None:
        by_step = summaries(cycles)
    for cycle in cycles:
        statuses = {st.step: st for st in cycle.steps.all()}
        rows[cycle.pk] = [
            StepRow(
                definition=s,
                status=statuses.get(s.number),
                summary=by_step[s.number].get(cycle.pk) or StepSummary(),
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


def step_summary(cycle: PlanningCycle, number: int) -> StepSummary:
    """One step of one cycle through its selector (the selector's queries only)."""
    return get_step(number).summary([cycle]).get(cycle.pk) or StepSummary()


def step_row(
    cycle: PlanningCycle,
    status: StepStatus | None,
    number: int,
    summary: StepSummary | None = None,
) -> StepRow:
    """The row of one step of one cycle, for a step page's panel; pass ``summary`` when the
    page already read it, so the selector runs once."""
    return StepRow(
        definition=get_step(number),
        status=status,
        summary=summary if summary is not None else step_summary(cycle, number),
    )
