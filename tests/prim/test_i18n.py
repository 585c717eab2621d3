"""The French and Arabic catalogues are complete, compiled, and the right one is chosen."""

import gettext
import unicodedata
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(catalogue) > 100
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {language}: {untranslated[:10]}"
    assert fuzzy == [], f"fuzzy in {language}: {fuzzy[:10]}"


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_compiled_catalogue_matches_its_source(language):
    """The committed .mo must be the compiled .po, or `make run` would show stale text."""
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in polib.pofile(str(folder / "django.po")):
        if entry.obsolete or entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert compiled._catalog.get(key) == entry.msgstr, entry.msgid


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_placeholders_survive_translation(language):
    import re

    pattern = re.compile(r"%\(\w+\)s|\{\{ ?\w+ ?\}\}")
    for entry in polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po")):
        if entry.msgid_plural:
            continue
        assert sorted(pattern.findall(entry.msgid)) == sorted(pattern.findall(entry.msgstr)), (
            entry.msgid
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "accept,cookie,expected",
    [
        ("", None, "fr"),
        ("en-US,en;q=0.9", None, "fr"),  # a browser in English still gets French
        ("ar-MA,ar;q=0.9", None, "ar"),
        ("fr-FR", None, "fr"),
        ("ar", "en", "en"),  # the user's choice wins
        ("", "xx", "fr"),  # an unknown code falls back to French
        ("", "ar", "ar"),
    ],
)
def test_language_choice(client, accept, cookie, expected):
    if cookie:
        client.cookies["prim_language"] = cookie
    response = client.get("/login/", headers={"accept-language": accept})
    assert f'<html lang="{expected}"' in response.content.decode()
    assert response["Content-Language"] == expected


@pytest.mark.django_db
def test_language_switch_sets_the_cookie_and_turns_the_page_rtl(client):
    response = client.post("/language/", {"language": "ar", "next": "/login/"})
    assert response.status_code == 302
    page = client.get("/login/").content.decode()
    assert 'dir="rtl"' in page and "تسجيل الدخول" in page


@pytest.mark.django_db
def test_unknown_language_code_in_switch_keeps_french(client):
    client.post("/language/", {"language": "xx", "next": "/login/"})
    page = client.get("/login/").content.decode()
    assert '<html lang="fr" dir="ltr">' in page and "Se connecter" in page


@pytest.mark.parametrize(
    "language,number,day",
    [("fr", "1\xa0920\xa0000,50", "29/11/2026"), ("ar", "1\u202f920\u202f000,50", "29/11/2026")],
)
def test_numbers_and_dates_follow_moroccan_usage(language, number, day):
    import datetime
    from decimal import Decimal

    from django.utils import formats
    from django.utils.translation import override

    with override(language):
        assert formats.localize(Decimal("1920000.50"), use_l10n=True) == number
        assert formats.date_format(datetime.date(2026, 11, 29), "SHORT_DATE_FORMAT") == day
        if language == "ar":
            # The thousands separator keeps a figure in one piece in right-to-left text: a
            # number separator for the bidirectional algorithm (CS), not white space (WS).
            assert unicodedata.bidirectional(number[1]) == "CS"
        # Digits stay 0-9 in Arabic text.
        assert formats.date_format(datetime.date(2026, 11, 29)).startswith("29 ")


def test_lists_are_joined_with_the_languages_separators():
    from django.utils.translation import override

    from communes.numbers import listing

    with override("ar"):
        assert listing(["الدارجة", "الفرنسية"]) == "الدارجة، الفرنسية"
        assert listing(["F-01 أ", "F-07 ب"], long_items=True) == "F-01 أ؛ F-07 ب"
    with override("fr"):
        assert listing(["darija", "français"]) == "darija, français"
        assert listing(["F-01 a", "F-07 b"], long_items=True) == "F-01 a\u00a0; F-07 b"
