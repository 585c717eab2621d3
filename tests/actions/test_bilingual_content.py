"""Bilingual content: French and Arabic side by side, one of them required, the annex prints
the language it is in and marks a text it had to take from the other language."""

import pytest
from django.urls import reverse
from django.utils import translation

from actions import models as am
from actions.annex.data import gather_annex, missing_translations
from actions.annex.render import render_annex
from actions.forms import IndicatorForm
from communes.bilingual import NOT_TRANSLATED, BiText, looks_arabic
from tests.actions.annex_support import pdf_text


def test_bitext_prints_the_active_language_and_says_when_it_falls_back():
    both, french_only = BiText("Axe social", "المحور الاجتماعي"), BiText("Axe social", "")
    with translation.override("ar"):
        assert (str(both), both.missing) == ("المحور الاجتماعي", False)
        assert (str(french_only), french_only.missing) == ("Axe social", True)
    with translation.override("fr"):
        assert (str(both), both.missing) == ("Axe social", False)
        assert str(BiText("", "المحور")) == "المحور" and BiText("", "المحور").missing
    assert not BiText("", "")
    assert looks_arabic("  المحور") and not looks_arabic("2024 Axe")


INDICATOR = {"unit": "personnes", "target": "20", "frequency": "yearly"}


@pytest.mark.django_db
def test_an_indicator_needs_its_name_in_one_language_either_one():
    form = IndicatorForm(data=INDICATOR)
    assert not form.is_valid()
    assert form.errors["name"] == [
        "Écrivez-le en français ou en arabe (l'un des deux est obligatoire)."
    ] or form.errors["name"] == ["Write it in French or in Arabic (one of the two is required)."]
    assert IndicatorForm(data={**INDICATOR, "name_ar": "عدد المستفيدات"}).is_valid()
    assert IndicatorForm(data={**INDICATOR, "name": "Nombre de bénéficiaires"}).is_valid()
    html = str(IndicatorForm()["name_ar"])
    assert 'dir="rtl"' in html and 'lang="ar"' in html


@pytest.mark.django_db
def test_action_form_shows_french_and_arabic_side_by_side(client_for, editor, cycle, ideas):
    from tests.actions.conftest import decide

    decide(ideas[:1])
    page = client_for(editor).get(
        reverse("actions:action_create", args=["oujda", 2022]), HTTP_ACCEPT_LANGUAGE="ar"
    )
    html = page.content.decode()
    assert page.status_code == 200
    for name in ("title", "axis", "objectives", "expected_results", "partners", "lead_service"):
        french = html.index(f'name="{name}"')
        arabic = html.index(f'name="{name}_ar"')
        assert french < arabic  # French first, the Arabic twin beside it
        tag = html[html.rindex("<", 0, arabic) : html.index(">", arabic)]
        assert 'dir="rtl"' in tag and 'lang="ar"' in tag, tag
    assert html.count('class="row bilingual-pair"') == 8


@pytest.mark.django_db
def test_arabic_annex_marks_french_only_text_and_the_pac_page_lists_it(annex_cycle):
    action = am.PacAction.objects.filter(cycle=annex_cycle).order_by("number").first()
    action.axis, action.axis_ar = "Axe seulement en français", ""
    action.save()
    data = gather_annex(annex_cycle)
    with translation.override("ar"):
        missing = missing_translations(data, "ar")
    assert any(line.startswith(f"{action.code} · ") for line in missing), missing
    assert not any(f"{action.code} · " in line for line in missing_translations(data, "fr")) or (
        action.title_ar == ""
    )
    text = pdf_text(render_annex(data, "ar"))
    assert "Axe seulement en français" in text
    assert "غير مترجم" in text and NOT_TRANSLATED.split(" / ")[0].strip("(") in text


@pytest.mark.django_db
def test_the_pac_page_lists_what_each_annex_would_print_untranslated(
    client_for, editor, annex_cycle, monkeypatch, annex_media
):
    # The PDF itself is not the point here: a stand-in keeps the build instant.
    monkeypatch.setattr("actions.annex.render.render_annex", lambda data, language: b"%PDF-1.7")
    action = am.PacAction.objects.filter(cycle=annex_cycle).order_by("number").first()
    action.axis_ar, action.objectives = "المحور", ""
    action.objectives_ar = "الأهداف بالعربية فقط"
    action.save()
    page = client_for(editor).get(
        reverse("annex:status", kwargs={"code": "oujda", "year": 2022}),
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    html = page.content.decode()
    french_box = html.split('data-missing="fr"')[1].split("</details>")[0]
    assert f"{action.code} · Objectifs" in french_box
    assert "l'annexe française les imprime en arabe" in french_box or (
        "l'annexe française l'imprime en arabe" in french_box
    )
