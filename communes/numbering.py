"""Per-cycle numbering ("F-03", "I-03", "A-03"): stable, never reused after a deletion.

The last number given is kept in a counter row per (cycle, kind), locked while a number is
taken. Numbers were once worked out from the history tables, so pruning the history would
have given a deleted record's number again; the counter does not depend on the history.
"""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

__all__ = ["NumberCounter", "NumberedRecord", "next_number"]


class NumberCounter(models.Model):
    """The last number given to a kind of record (``app.model``) in one cycle."""

    cycle = models.ForeignKey(
        "communes.PlanningCycle",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("PAC cycle"),
    )
    kind = models.CharField(_("kind of record"), max_length=60)
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        constraints = [
            # Also the index of the lookup ``next_number`` locks.
            models.UniqueConstraint(fields=["cycle", "kind"], name="communes_numbercounter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.cycle_id}: {self.last}"


def _locked_counter(model, cycle) -> NumberCounter:
    kind = model._meta.label_lower
    counter = NumberCounter.objects.select_for_update().filter(cycle=cycle, kind=kind).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = NumberCounter.objects.create(cycle=cycle, kind=kind)
        except IntegrityError:  # created meanwhile by a concurrent save: wait for its lock
            counter = NumberCounter.objects.select_for_update().get(cycle=cycle, kind=kind)
    return counter


def next_number(model: type[NumberedRecord], cycle) -> int:
    """The next number of ``model`` in ``cycle``; call inside the transaction that saves it.

    Rows inserted without ``save()`` (``bulk_create``) count too: the number is above the
    counter and above every live record's.
    """
    counter = _locked_counter(model, cycle)
    live = model.objects.filter(cycle=cycle).aggregate(n=Max("number"))["n"] or 0
    counter.last = max(counter.last, live) + 1
    counter.save(update_fields=["last"])
    return counter.last


def reserve_numbers(model: type[NumberedRecord], cycle, count: int) -> int:
    """The first of ``count`` consecutive numbers of ``model`` in ``cycle``, taken from the
    counter at once (a bulk insert numbers its rows itself); inside the saving transaction."""
    counter = _locked_counter(model, cycle)
    live = model.objects.filter(cycle=cycle).aggregate(n=Max("number"))["n"] or 0
    first = max(counter.last, live) + 1
    counter.last = first + count - 1
    counter.save(update_fields=["last"])
    return first


class NumberedRecord(models.Model):
    """A stable per-cycle number shown with the model's ``PREFIX`` ("F-03").

    A new record takes the next number of its cycle when saved; one written with its number
    (demo data, imports) raises the counter to it, so that number is never given again.
    """

    number = models.PositiveSmallIntegerField(_("number"), editable=False)

    PREFIX = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            if not self.number:
                self.number = next_number(type(self), self.cycle)
            else:
                counter = _locked_counter(type(self), self.cycle)
                if self.number > counter.last:
                    counter.last = self.number
                    counter.save(update_fields=["last"])
            return super().save(*args, **kwargs)

    @property
    def code(self) -> str:
        if not self.number:  # not saved yet (an import's preview reads it before the save)
            return ""
        return f"{self.PREFIX}-{self.number:02d}"
