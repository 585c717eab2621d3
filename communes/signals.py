"""Signals of the lowest layer, for the layers above to listen to.

``cycles_changed``: sent after a commit changed what some PAC cycles' records say (the step
apps' change watcher, ``actions.annex.tasks``, and the bulk writes that send no model signal).
Arguments: ``cycle_ids`` (a set of ``PlanningCycle`` keys) and ``everything`` (True when the
change shows in every cycle: a reference list renamed). ``prim`` drops its stored report
figures of those cycles (``prim.figures``).
"""

from django.dispatch import Signal

cycles_changed = Signal()


def send_cycles_changed(cycle_ids=(), *, everything: bool = False) -> None:
    cycle_ids = set(cycle_ids)
    if cycle_ids or everything:
        cycles_changed.send(sender=None, cycle_ids=cycle_ids, everything=everything)


# How many times report figures were stored in this process (``figures_stored``): a change
# watcher that already dropped a cycle's figures in the current transaction drops them again
# if a report stored them since (a page read between two writes of one transaction).
_stored = [0]


def figures_stored() -> None:
    _stored[0] += 1


def stored_generation() -> int:
    return _stored[0]
