"""What the project package itself records: the task workers' sign of life."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per running worker process (``manage.py worker``), renewed every
    ``WORKER_HEARTBEAT_SECONDS``: ``/health/`` reports the latest, the admin reads them all."""

    worker = models.CharField(_("worker"), max_length=200, unique=True)  # host:pid
    backend = models.CharField(_("queue"), max_length=20)
    started_at = models.DateTimeField(_("started at"))
    beat_at = models.DateTimeField(_("last sign of life"), db_index=True)  # /health/'s Max()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.worker


class CycleFigures(models.Model):
    """A PAC cycle's report figures (``prim.reports.Figures``), stored so the region and
    country reports read one row per cycle instead of the step selectors' aggregates.

    Kept up to date from the writes: a write that changes a cycle's records sends
    ``communes.signals.cycles_changed`` and the row's ``epoch`` goes up (``prim.figures``); a
    row holds figures only while ``data_epoch`` equals ``epoch``. The next report computes the
    others live, in one batch, and stores them only if the epoch it read first has not moved
    since: a report that read the records just before a write never stores them as current."""

    cycle = models.OneToOneField(
        "communes.PlanningCycle",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="report_figures",
    )
    derived = True  # computed from the step records: not in a commune's dossier (communes.dossier)

    data = models.JSONField(default=dict)  # prim.figures.to_json
    epoch = models.PositiveBigIntegerField(default=0)  # one more at each change of the cycle
    data_epoch = models.BigIntegerField(null=True)  # the epoch ``data`` was computed at
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cycle report figures"
        verbose_name_plural = "cycle report figures"

    def __str__(self) -> str:
        return f"figures of cycle {self.cycle_id}"
