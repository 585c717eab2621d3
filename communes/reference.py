"""Reference lists (sectors, target groups, strategies' programmes...): one abstract base.

A new list is a model ``class Thing(ReferenceItem)`` (its history comes with the base),
its seed rows (``seed_reference_list``, called from a data migration) and, in the forms that
offer it, ``offer_references(form, ["thing"])``. The admin registers every ``ReferenceItem`` of
an app in one loop (``communes.admin_base.register_reference_lists``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bilingual import BilingualNameMixin
from .models import TrackedModel


class ReferenceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def for_choice(self, used_ids: Iterable[int] = ()):
        """What a form offers: the active items, plus the inactive ones the record already uses
        (a deactivated item stays on old records and must not vanish from their form)."""
        return self.filter(Q(active=True) | Q(pk__in=list(used_ids)))


def offer_references(form, names: Iterable[str]) -> None:
    """Point each reference-list field of a model form (named in ``names``) at ``for_choice``:
    the active items plus those the form's record already uses (one query a many-to-many field
    of a saved record)."""
    instance = form.instance
    for name in names:
        field = instance._meta.get_field(name)
        model = field.related_model
        if field.many_to_many:
            used = list(getattr(instance, name).values_list("pk", flat=True)) if instance.pk else []
        else:
            value = getattr(instance, field.attname)
            used = [value] if value else []
        form.fields[name].queryset = model.objects.for_choice(used)


def seed_reference_list(model, rows: Iterable[tuple], extra: Sequence[str] = ()) -> None:
    """Create the missing items of a list from rows ``(code, French, Arabic, *extra)``, where
    ``extra`` names the list's own fields; ordered 10, 20... as listed. An item already there
    keeps an administrator's edits. Takes the model class so data migrations can pass theirs."""
    for order, (code, fr, ar, *values) in enumerate(rows, start=1):
        own = dict(zip(extra, values, strict=True))
        model.objects.get_or_create(
            code=code, defaults={"name_fr": fr, "name_ar": ar, "order": order * 10, **own}
        )


class ReferenceItem(BilingualNameMixin, TrackedModel):
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
