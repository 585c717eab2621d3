"""No silent lost update: a record edited in two tabs tells the second save it changed.

Models that users edit carry ``version`` (``VersionedModel``). Their forms carry the version
they were loaded with in a hidden field (``VersionedFormMixin``); the write service passes it
to ``check_version()``, inside its transaction, which locks the row and raises ``StaleRecord``
on a stale version (the view answers 409 with ``STALE_MESSAGE``, see ``communes.writes``).
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import STALE_MESSAGE, StaleRecord

__all__ = ["STALE_MESSAGE", "StaleRecord", "VersionedFormMixin", "VersionedModel", "check_version"]


class VersionedModel(models.Model):
    """Every save of a stored row gives it the next version (nobody counts them by hand)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


def check_version(record: VersionedModel | None, loaded_version: int | None, *, locked=False):
    """Refuse a save based on an old reading of ``record``; call inside the saving transaction.

    ``record`` is the stored row being changed, or ``None`` when there is none (a score not
    given yet: the form must have shown none either, ``loaded_version=None``). A new record
    (no primary key) has nothing to compare. Otherwise the row is locked (unless the caller
    ``locked`` it already) and its stored version compared with ``loaded_version``; saving
    the record then gives it the next version.
    """
    if record is None:
        if loaded_version is not None:  # it was deleted meanwhile
            raise StaleRecord
        return
    if record.pk is None:
        return
    if locked:
        current = record.version
    else:
        current = (
            type(record)
            .objects.select_for_update()
            .filter(pk=record.pk)
            .values_list("version", flat=True)
            .first()
        )
    if current is None or loaded_version is None or loaded_version != current:
        raise StaleRecord
    record.version = current


class VersionedFormMixin(forms.Form):
    """The hidden version an edit form was loaded with, for the service's ``check_version``."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["loaded_version"].initial = instance.version
