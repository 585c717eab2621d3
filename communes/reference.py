"""Reference lists (sectors, target groups, strategies' programmes...): one abstract base.

A new list is a model ``class Thing(ReferenceItem)`` with ``history = HistoricalRecords()``,
its admin ``class ThingAdmin(NationalAdminOnly, ...)`` (``communes.admin_base``) and, in the
forms that offer it, ``Thing.objects.for_choice(used_ids)``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bilingual import BilingualNameMixin
from .models import TimeStampedModel


class ReferenceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def for_choice(self, used_ids: Iterable[int] = ()):
        """What a form offers: the active items, plus the inactive ones the record already uses
        (a deactivated item stays on old records and must not vanish from their form)."""
        return self.filter(Q(active=True) | Q(pk__in=list(used_ids)))


class ReferenceItem(BilingualNameMixin, TimeStampedModel):
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Stable identifier used in imports and exports; never reused."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive items are kept on old records only.")
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "code"]  # a dozen rows each
