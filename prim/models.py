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
