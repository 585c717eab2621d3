"""Bilingual fields every step may use: reference names and record titles in French and Arabic.

Abstract bases only (no table, no migration); ``communes.models`` re-exports
``BilingualNameMixin`` for the territory models.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

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


# --- Bilingual content: the texts a commune writes that the annex and the reports print ----------
#
# The rule: a content field ``x`` holds the French text and its twin ``x_ar`` the Arabic text.
# A form shows both side by side; one of the two is required where the field is required, the
# other optional. Printing picks the text of the active language; where only the other language
# exists, it prints that one followed by ``NOT_TRANSLATED`` (the same words in both languages, so
# a reader of either language understands why the line is in the other script).

NOT_TRANSLATED = "(non traduit / غير مترجم)"
ARABIC_SUFFIX = "_ar"


class BiText(NamedTuple):
    """A French/Arabic pair of user text; ``str()`` is the text of the active language.

    ``missing`` is true when the active language's version is empty but the other exists:
    the page or annex prints the other one with ``NOT_TRANSLATED``.
    """

    fr: str
    ar: str

    def _pair(self) -> tuple[str, str]:
        return (self.ar or "", self.fr or "") if is_arabic() else (self.fr or "", self.ar or "")

    def __str__(self) -> str:
        own, other = self._pair()
        return own or other

    def __bool__(self) -> bool:
        return bool((self.fr or "").strip() or (self.ar or "").strip())

    @property
    def missing(self) -> bool:
        own, other = self._pair()
        return not own.strip() and bool(other.strip())

    def missing_in(self, language: str) -> bool:
        own, other = (self.ar, self.fr) if language.startswith("ar") else (self.fr, self.ar)
        return not (own or "").strip() and bool((other or "").strip())


def bi_text(obj, name: str) -> BiText:
    """The French/Arabic pair of one content field of a record."""
    return BiText(getattr(obj, name) or "", getattr(obj, name + ARABIC_SUFFIX) or "")


def untranslated(obj_or_fields, language: str, names=None) -> list[str]:
    """The content fields of a record whose ``language`` version is missing (the other exists)."""
    names = names if names is not None else getattr(obj_or_fields, "BILINGUAL_FIELDS", ())
    return [n for n in names if bi_text(obj_or_fields, n).missing_in(language)]


def looks_arabic(text: str) -> bool:
    """True when the first strong character of ``text`` is right-to-left (the bidi rule P2)."""
    for char in text or "":
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def move_arabic_texts(model, names) -> None:
    """Data migration helper: a text typed in Arabic into a French field moves to its twin."""
    for row in model.objects.all().only("pk", *names, *(n + ARABIC_SUFFIX for n in names)):
        changed = []
        for name in names:
            text = getattr(row, name) or ""
            twin = name + ARABIC_SUFFIX
            if looks_arabic(text) and not getattr(row, twin):
                setattr(row, twin, text)
                setattr(row, name, "")
                changed += [name, twin]
        if changed:
            row.save(update_fields=changed)
