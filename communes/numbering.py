"""Per-cycle numbering ("F-03", "I-03", "A-03"): stable, never reused after a deletion."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberedRecord(models.Model):
    """A stable per-cycle number shown with the model's ``PREFIX`` ("F-03")."""

    number = models.PositiveSmallIntegerField(_("number"), editable=False)

    PREFIX = ""

    class Meta:
        abstract = True

    @property
    def code(self) -> str:
        return f"{self.PREFIX}-{self.number:02d}"
