"""The words communes use (DOMAIN.md section 7), checked over the catalogues and templates."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext

LOCALE = Path(settings.BASE_DIR) / "locale"
TEMPLATES = Path(settings.BASE_DIR) / "templates"

FORBIDDEN = {
    "fr": [
        (r"plan d.action", "programme d'action de la commune, never plan d'action"),
        (r"\bcycles? (du|de) PAC", "période du PAC"),
        (r"(?<=\S) :", "a no-break space before a colon, never a plain one"),
        (r"[^\s\u00a0\d/%(]:(\s|$)", "a no-break space before a colon"),
        (r"\bpositif\b", "avis favorable, not positif"),
    ],
    "ar": [
        (r"دورة (لبرنامج|برنامج) عمل|(فتح|لدورة) الدورة", "فترة برنامج عمل الجماعة, never دورة"),
        (r"مؤشر (النوع|الهجرة)", "واسم النوع / واسم الهجرة: مؤشر is an indicator"),
        (r"المعاينات|معاينة|خلاصات|الخلاصات", "الإشكاليات المرصودة, not المعاينات"),
        (r"مصادق عليها|المصادقة على (هذه )?المرحلة", "a coordinator reviews (مراجعة)"),
    ],
}
REQUIRED = {
    "fr": ["programme d'action de la commune", "période du PAC", "marqueur genre"],
    "ar": ["برنامج عمل الجماعة", "فترة برنامج عمل الجماعة", "واسم النوع", "مراجعة"],
}


def _texts(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    for entry in catalogue:
        values = [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
        for value in values:
            yield entry.msgid, value


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_catalogue_uses_the_communes_words(language):
    texts = list(_texts(language))
    wrong = [
        (msgid, text, why)
        for msgid, text in texts
        for pattern, why in FORBIDDEN[language]
        if re.search(pattern, text.replace("http://", "").replace("https://", ""), re.I)
    ]
    assert not wrong, wrong[:10]
    everything = "\n".join(text for _, text in texts).lower()
    for word in REQUIRED[language]:
        assert word.lower() in everything, word


def test_templates_write_no_french_or_arabic_words_outside_the_catalogues():
    bad = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern, why in FORBIDDEN["ar"][:3] + FORBIDDEN["fr"][:2]:
            if re.search(pattern, text, re.I):
                bad.append((path.name, why))
    assert not bad, bad


MILESTONES = "%(done)s of %(total)s milestone done: progress %(progress)s%%"


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (1, "من أصل محطة واحدة"),
        (2, "من أصل محطتين"),
        (3, "من أصل 3 محطات"),
        (11, "من أصل 11 محطة"),
    ],
)
def test_arabic_counts_agree_with_the_number(total, expected):
    with translation.override("ar"):
        text = ngettext(MILESTONES, MILESTONES.replace("milestone ", "milestones "), total) % {
            "done": 1,
            "total": total,
            "progress": 50,
        }
    assert expected in text, text
    assert "مراحل" not in text


@pytest.mark.django_db
def test_pilot_communes_carry_their_tifinagh_name_on_the_page_and_the_annex_cover(
    client_for, editor, oujda
):
    from actions.annex.render import TEMPLATE_DIR

    assert oujda.name_zgh == "ⵡⵓⵊⴷⴰ"
    page = client_for(editor).get("/communes/oujda/", HTTP_ACCEPT_LANGUAGE="fr")
    assert 'lang="zgh-Tfng"' in page.content.decode() and "ⵡⵓⵊⴷⴰ" in page.content.decode()
    css = (TEMPLATE_DIR / "_annex.css").read_text(encoding="utf-8")
    assert '"Noto Sans Tifinagh"' in css
    cover = (TEMPLATE_DIR / "_cover.html").read_text(encoding="utf-8")
    assert "annex.commune.name_zgh" in cover


def test_tamazight_is_offered_only_when_enabled():
    from django.conf import settings as live

    assert "zgh" not in dict(live.LANGUAGES)  # off by default: no catalogue yet
