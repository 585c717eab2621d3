"""Bilingual fields every step may use: reference names and record titles in French and Arabic.

Abstract bases only (no table, no migration); ``communes.models`` re-exports
``BilingualNameMixin`` for the territory models.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def is_arabic() -> bool:
    return (get_language() or "").startswith("ar")


class BilingualNameMixin(models.Model):
    """Reference data users read carries a French and an Arabic name."""

    name_fr = models.CharField(_("name (French)"), max_length=150)
    name_ar = models.CharField(_("name (Arabic)"), max_length=150)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if is_arabic() else self.name_fr


class BilingualTitleMixin(models.Model):
    """A record title in French (required) with an optional Arabic title shown in Arabic."""

    title = models.CharField(_("title"), max_length=200)
    title_ar = models.CharField(_("title in Arabic"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title_ar and is_arabic():
            return self.title_ar
        return self.title
