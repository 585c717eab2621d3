"""One row per piece of background work, named by a stable key (e.g. ``annex:12:fr``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """The state of one piece of work, shared by every web process and worker.

    The row is the lock: a worker moves it from *queued* to *running* under ``SELECT ... FOR
    UPDATE``, and only the task holding the row's current ``token`` may do so, so the same work
    never runs twice at once on any number of workers or machines. A change that arrives while
    the job runs sets ``rerun``: the job is queued once more when it ends, with the latest data.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    label = models.CharField(_("label"), max_length=200, blank=True)
    params = models.JSONField(_("parameters"), default=dict)
    priority = models.SmallIntegerField(_("priority"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    rerun = models.BooleanField(_("run again when done"), default=False)
    # The task allowed to run this job; a newer request or a recovery replaces it.
    token = models.UUIDField(_("token"), null=True, editable=False)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(_("progress"), default=0)
    progress_total = models.PositiveIntegerField(_("progress total"), default=0)
    progress_note = models.CharField(_("progress note"), max_length=200, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="communes_job_lease")]

    def __str__(self) -> str:
        return self.label or self.key

    @property
    def pending(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    def is_stale(self, now=None) -> bool:
        """Running, but its worker has given no sign of life for a lease: presumed dead."""
        lease = timedelta(seconds=settings.JOBS_LEASE_SECONDS)
        return (
            self.state == self.State.RUNNING
            and self.heartbeat_at is not None
            and self.heartbeat_at < (now or timezone.now()) - lease
        )

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))

    def report(self, done: int, total: int | None = None, note: str = "") -> None:
        """Progress of a running job, which also renews its lease (see ``is_stale``).

        Long jobs (national exports, imports) call it every so often; a page can show
        ``percent`` and ``progress_note`` while the job runs.
        """
        fields = {
            "progress_done": done,
            "progress_note": note[:200],
            "heartbeat_at": timezone.now(),
        }
        if total is not None:
            fields["progress_total"] = total
        Job.objects.filter(pk=self.pk, token=self.token).update(**fields)
        for name, value in fields.items():
            setattr(self, name, value)
