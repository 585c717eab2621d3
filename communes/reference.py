"""Reference lists (sectors, target groups, strategies' programmes...): one abstract base.

A new list is a model ``class Thing(ReferenceItem)`` with ``history = HistoricalRecords()``,
its admin ``class ThingAdmin(NationalAdminOnly, ...)`` (``communes.admin_base``) and, in the
forms that offer it, ``offer_references(form, {"thing": Thing})``.
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


def offer_references(form, fields: dict[str, type[models.Model]]) -> None:
    """Point each reference-list field of a model form at ``for_choice``: the active items plus
    those the form's record already uses (one query a many-to-many field of a saved record)."""
    instance = form.instance
    for name, model in fields.items():
        field = instance._meta.get_field(name)
        if field.many_to_many:
            used = list(getattr(instance, name).values_list("pk", flat=True)) if instance.pk else []
        else:
            value = getattr(instance, field.attname)
            used = [value] if value else []
        form.fields[name].queryset = model.objects.for_choice(used)


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
