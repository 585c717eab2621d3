"""No silent lost update: a record edited in two tabs tells the second save it changed.

Models that users edit carry ``version = models.PositiveIntegerField(default=1)``
(``VersionedModel``). Edit forms inherit ``VersionedFormMixin``: the form carries
the version it was loaded with in a hidden field; ``check_version()`` (inside the
transaction that saves) locks the row and raises ``StaleRecord`` on a stale
version, which the view answers with a clear message; saving bumps the version.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _(
    "Someone else saved this record after you opened it. Reload the page to see "
    "their changes, then make yours again. Nothing was saved."
)


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class StaleRecord(Exception):
    """Raised when the row changed since the form was loaded."""


class VersionedFormMixin(forms.Form):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["loaded_version"].initial = instance.version

    def check_version(self) -> None:
        """Lock the row and compare versions; call inside ``transaction.atomic``."""
        instance = self.instance
        if not instance.pk:
            return
        current = (
            type(instance)
            .objects.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        loaded = self.cleaned_data.get("loaded_version")
        if current is None or loaded is None or loaded != current:
            self.add_error(None, STALE_MESSAGE)
            raise StaleRecord
        instance.version = current + 1
