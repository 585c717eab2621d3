"""The demo tells the published story (DOMAIN.md section 1): 22 projects identified, 12 in the
Oriental and 10 in Souss-Massa, a majority - not all - adopted into the PACs, the others
postponed or rejected with a reason; strategies, competences, budget parts, dates and donor
years as they are meant; invented figures that say so; every text in French and Arabic."""

import io
import re

from django.core.management import call_command
from django.db.models import Count
from django.utils import translation
from pypdf import PdfReader

from actions.annex.data import gather_annex
from actions.annex.render import render_annex
from actions.models import ActionIdea, Financing, IdeaDecision, PacAction, Score
from communes.models import PlanningCycle
from communes.tracker import build_trackers
from diagnostics.models import MigrationFigure, ProjectIdea

MRE_GROUPS = {"mre", "returning-mre", "retired-mre", "diaspora-associations"}
IMMIGRANT_GROUPS = {"third-country-nationals", "refugees", "women-migrants"}


def _load():
    call_command("load_demo", allow_production=True, stdout=io.StringIO())


def _by(queryset, field):
    return dict(queryset.values(field).annotate(n=Count("pk")).values_list(field, "n"))


def test_demo_has_22_projects_12_oriental_10_souss_massa_a_majority_adopted(db):
    _load()
    ideas = ProjectIdea.objects.all()
    assert ideas.count() == 22
    assert _by(ideas, "cycle__commune__province__region__code") == {"02": 12, "09": 10}
    assert _by(ideas, "cycle__commune__code") == {
        "oujda": 3,
        "nador": 3,
        "berkane": 3,
        "driouch": 3,
        "sidi-bibi": 4,
        "ait-amira": 3,
        "belfaa": 3,
    }
    outcomes = _by(IdeaDecision.objects.all(), "outcome")
    assert sum(outcomes.values()) == 22  # the council decided on every project
    assert 11 < outcomes["adopted"] < 22, outcomes  # a majority, not all
    not_adopted = IdeaDecision.objects.exclude(outcome="adopted")
    assert not_adopted.count() == 22 - outcomes["adopted"]
    assert all(d.reason and d.reason_ar for d in not_adopted)
    # Every adopted idea is in an action; Sidi Bibi merged two into one.
    assert ActionIdea.objects.count() == outcomes["adopted"]
    assert PacAction.objects.count() == 14
    assert ActionIdea.objects.filter(action__cycle__commune__code="sidi-bibi").count() == 3
    assert PacAction.objects.filter(title="Sport & Citoyenneté au féminin").exists()
    # The Oriental's four reception and orientation cells are among them, under way.
    cells = PacAction.objects.filter(title__icontains="accueil")
    assert sorted(cells.values_list("cycle__commune__code", flat=True)) == [
        "berkane",
        "driouch",
        "nador",
        "oujda",
    ]
    assert all(c.status == "in_progress" for c in cells)
    assert PacAction.objects.filter(financing__source="prim").distinct().count() >= 6
    # Steps 4 and 5 of every pilot commune are complete on the tracker.
    cycles = list(PlanningCycle.objects.prefetch_related("steps").select_related("commune"))
    for rows in build_trackers(cycles).values():
        assert rows[3].complete and rows[4].complete


def test_demo_uses_strategies_competences_budget_and_years_as_meant(db):
    _load()
    actions = PacAction.objects.for_sheet()
    for a in actions:
        groups = {g.code for g in a.target_groups.all()}
        # SNMRE for Moroccans abroad only; SNIA for immigrants and refugees only.
        if a.snmre_objectives.all():
            assert groups & MRE_GROUPS, (a.title, groups)
        if a.snia_programmes.all():
            assert groups & IMMIGRANT_GROUPS, (a.title, groups)
        assert a.competence in {"own", "shared"}
        if a.competence != "own":
            assert a.partner_convention and a.partner_convention_ar
        costs = {c.year for c in a.costs.all()}
        assert a.start_date.year <= min(costs) and max(costs) <= a.end_date.year
        prim = sum(f.amount for f in a.financing.all() if f.source == "prim")
        in_years = sum(c.amount for c in a.costs.all() if 2020 <= c.year <= 2024)
        assert prim <= in_years, a.title
        commune_lines = [f for f in a.financing.all() if f.source == Financing.Source.COMMUNE]
        assert commune_lines and all(
            f.detail in ("Budget de fonctionnement", "Budget d'équipement") for f in commune_lines
        )
        for field in PacAction.BILINGUAL_FIELDS:
            if getattr(a, field):
                assert getattr(a, field + "_ar"), (a.title, field)
        for i in a.indicators.all():
            assert i.name and i.name_ar and i.unit_ar and i.source_ar
    # Equipment for what is built or bought, operating for services.
    sport = actions.get(title="Sport & Citoyenneté au féminin")
    assert {f.detail for f in sport.financing.all() if f.source == "commune"} == {
        "Budget d'équipement"
    }


def test_invented_figures_say_so_and_credit_no_real_source(db):
    _load()
    figures = MigrationFigure.objects.all()
    assert figures.exists()
    assert not figures.filter(source__icontains="RGPH").exists()
    assert not figures.filter(source__icontains="HCP").exists()
    assert all("fictives" in f.source and "افتراضية" in f.source_ar for f in figures)


# Names of organisations and programmes, and the French title a sheet prints under its Arabic
# one (on purpose), and the draft mark "Projet - مشروع" that every page of an annex not yet
# adopted carries in both languages: the only Latin words the Arabic annex may carry.
ALLOWED = ["Projet", "PRIM", "PAC", "Expertise", "France", "AFD", "MAD", "SNIA", "SNMRE", "MRE"]


def test_the_arabic_annex_of_every_pilot_commune_is_arabic(db):
    _load()
    cycles = PlanningCycle.objects.select_related("commune__province__region")
    assert cycles.count() == 7
    for cycle in cycles:
        titles = list(PacAction.objects.filter(cycle=cycle).values_list("title", flat=True))
        pdf = render_annex(gather_annex(cycle), "ar")
        pages = PdfReader(io.BytesIO(pdf)).pages
        # The cover (page 1) is bilingual by design; the body is Arabic.
        text = "\n".join(page.extract_text() for page in pages[1:])
        assert "غير مترجم" not in text, cycle.commune.code
        for title in titles:
            text = text.replace(title, "")
        for word in ALLOWED:
            text = text.replace(word, "")
        french = re.findall(r"[A-Za-zÀ-ÿ'’]{3,}(?:\s+[A-Za-zÀ-ÿ'’]{2,})*", text)
        assert not french, (cycle.commune.code, french[:10])
        with translation.override("ar"):
            assert "برنامج عمل الجماعة" in text


def test_demo_is_idempotent(db):
    _load()
    counts = (PacAction.objects.count(), Score.objects.count(), IdeaDecision.objects.count())
    _load()
    assert (
        PacAction.objects.count(),
        Score.objects.count(),
        IdeaDecision.objects.count(),
    ) == counts
