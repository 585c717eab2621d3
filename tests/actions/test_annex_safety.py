"""WeasyPrint fetches only the application's static files; user text is escaped and wraps."""

import logging
import urllib.request

import pytest

from actions import models as am
from actions.annex import render
from actions.annex.data import gather_annex
from actions.annex.render import BASE_URL, RefusedURL, StaticOnlyFetcher, static_path_for
from tests.actions.annex_support import load_cycle, pdf_text, reader, squash

PASSWD = "file:///etc/passwd"
EXTERNAL = "https://attacker.example/pixel.png"


@pytest.fixture
def no_network(monkeypatch):
    """Every URL any code tries to open, recorded; nothing is ever opened."""
    opened = []

    def refuse(self, fullurl, *args, **kwargs):
        opened.append(getattr(fullurl, "full_url", fullurl))
        raise AssertionError(f"tried to open {fullurl!r}")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    return opened


@pytest.mark.parametrize(
    "url",
    [
        PASSWD,
        "file:///work/main/prim/settings.py",
        EXTERNAL,
        "http://127.0.0.1:5432/",
        "http://169.254.169.254/latest/meta-data/",
        "data:image/svg+xml;base64,PHN2Zy8+",
        "ftp://example.com/x.png",
        f"{BASE_URL}static/../../../etc/passwd",
        f"{BASE_URL}static/%2e%2e/%2e%2e/etc/passwd",
        f"{BASE_URL}static/css/../../prim/settings.py",
        f"{BASE_URL}media/awareness/x.pdf",
        f"{BASE_URL}static/css/missing.css",
        f"{BASE_URL}static/js/records.js",  # not a stylesheet, image or font
        "https://annex.prim.invalid.attacker.example/static/css/prim.css",
    ],
)
def test_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(RefusedURL):
        static_path_for(url)
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_a_static_file_through_the_finders():
    response = StaticOnlyFetcher().fetch(f"{BASE_URL}static/css/prim.css")
    assert response.content_type == "text/css"
    assert len(response.read()) > 100


def test_html_pointing_at_local_files_and_other_sites_fetches_nothing(no_network, caplog):
    html = f"""<html lang="fr"><head><title>t</title>
      <link rel="stylesheet" href="{PASSWD}">
      <style>@import url("{EXTERNAL}"); body {{ background: url("{PASSWD}") }}</style></head>
      <body><p>Bonjour</p><img src="{PASSWD}" alt="x"><img src="{EXTERNAL}" alt="y">
      <img src="/static/css/../../../../etc/passwd" alt="z"><iframe src="{EXTERNAL}"></iframe>
      <object data="{PASSWD}"></object></body></html>"""
    with caplog.at_level(logging.WARNING, logger="actions.annex.render"):
        pdf = render.html_to_pdf(html)
    assert no_network == []
    refused = " ".join(r.getMessage() for r in caplog.records)
    assert "file:///etc/passwd" in refused and "attacker.example" in refused
    text = pdf_text(pdf)
    assert "Bonjour" in text and "root:" not in text


@pytest.mark.django_db
def test_user_fields_are_escaped_and_never_fetched(annex_cycle, no_network, caplog):
    action = am.PacAction.objects.filter(cycle=annex_cycle).order_by("number").first()
    action.title = f'<img src="{PASSWD}"> Cellule <b>accueil</b>'
    action.partners = f'{EXTERNAL} <img src="{EXTERNAL}">'
    action.objectives = (
        f'<link rel="stylesheet" href="{PASSWD}"><script>alert(1)</script>'
        f'<style>body {{ background: url("{EXTERNAL}") }}</style>'
    )
    action.location = "</style><style>@page { size: 1mm }</style>"
    action.save()
    annex_cycle.commune.name_fr = 'Oujda"; } @page { size: 1mm } x { content: "'
    annex_cycle.commune.save()

    data = gather_annex(load_cycle(annex_cycle))
    html = render.render_html(data, "fr")
    assert f'<img src="{PASSWD}">' not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    with caplog.at_level(logging.WARNING, logger="actions.annex.render"):
        pdf = render.html_to_pdf(html)
    assert no_network == []
    assert not [r for r in caplog.records if "refused" in r.getMessage()]  # nothing even asked
    text = pdf_text(pdf)
    # The user's text is shown as text, exactly as typed.
    assert squash(f'<img src="{PASSWD}"> Cellule <b>accueil</b>') in squash(text)
    assert EXTERNAL in text
    assert "<script>alert(1)</script>" in text
    # A commune name cannot break out of the page header's CSS string: pages stay A4.
    for page in reader(pdf).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert sorted((round(width), round(height))) == [595, 842]


@pytest.mark.django_db
def test_long_description_wraps_and_paginates_inside_the_page(annex_cycle):
    long_words = " ".join(["Accompagnement des femmes migrantes vers les services"] * 30)
    unbroken = "https://example.org/" + "x" * 300
    text_2000 = (unbroken + " " + long_words + " " + long_words)[:2000]
    assert len(text_2000) == 2000
    action = am.PacAction.objects.filter(cycle=annex_cycle).order_by("number").first()
    action.objectives = text_2000
    action.expected_results = text_2000
    action.save()

    pdf = render.render_annex(gather_annex(load_cycle(annex_cycle)), "fr")
    text = pdf_text(pdf)
    assert squash(text_2000) in squash(text)
    # Every character drawn lies inside the page (nothing runs off the paper).
    for page in reader(pdf).pages:
        width = float(page.mediabox.width)
        xs: list[float] = []

        def record(text, cm, tm, font, size, xs=xs):
            xs.append(tm[4] * cm[0] + cm[4])

        page.extract_text(visitor_text=record)
        assert xs and min(xs) >= 0 and max(xs) < width
