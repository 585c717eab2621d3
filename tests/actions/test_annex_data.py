"""What the annex gathers (fixed queries, totals from the database), its formats and its cache."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import translation

from actions import models as am
from actions import services
from actions.annex import render, tags
from actions.annex.data import gather_annex
from actions.annex.sample import build_sample_cycle
from tests.actions.annex_support import load_cycle

# gather_annex: 35 queries whatever the number of sessions, findings, ideas and actions
# (listed in actions/annex/data.py's docstring): statuses (1) + the five step summaries
# (1 + 1 + 3 + 2 + 4 = 11: aggregates grouped by cycle; 5 when steps 3-5 were one query of
# correlated subqueries each, which grew with the number of cycles) + step 3's section (4)
# + step 4's (5) + step 5's (11 for the actions
# ``for_sheet``, 2 for the budget by year and by source) + whether the PAC has its adoption
# deliberation (1: the draft prepares an adoption or an update). 30 before the selectors.
QUERIES = 35


@pytest.mark.django_db
@pytest.mark.parametrize("n_actions", [2, 9])
def test_gather_runs_a_fixed_number_of_queries(cycle, n_actions, django_assert_num_queries):
    build_sample_cycle(cycle, n_actions=n_actions)
    cycle = load_cycle(cycle)
    with django_assert_num_queries(QUERIES):
        data = gather_annex(cycle)
    assert len(data.actions) == n_actions


@pytest.mark.django_db
def test_gather_totals_are_the_database_sums(cycle):
    build_sample_cycle(cycle, n_actions=4)
    data = gather_annex(load_cycle(cycle))
    costs = am.ActionCost.objects.filter(action__cycle=cycle)
    assert data.budget["total"] == costs.aggregate(t=Sum("amount"))["t"]
    assert sum(y["total"] for y in data.budget["by_year"]) == data.budget["total"]
    assert [y["year"] for y in data.budget["by_year"]] == list(cycle.years)
    gender = costs.filter(action__gender_marker__gte=1).aggregate(t=Sum("amount"))["t"]
    assert data.budget["gender"] == gender
    assert data.budget["gender_share"] == Decimal(100) * gender / data.budget["total"]
    for row in data.actions:
        assert row["cost_total"] == sum(c or 0 for c in row["costs"])
    financing = am.Financing.objects.filter(action__cycle=cycle).aggregate(t=Sum("amount"))["t"]
    assert data.budget["financing_total"] == financing
    assert sum(s["total"] for s in data.budget["by_source"]) == financing
    # Summary figures of the five steps.
    with translation.override("en"):
        figures = {str(label): value for step in data.steps for label, value, _ in step.figures}
    assert figures["Trainees"] == 20
    assert figures["PAC actions"] == 4
    assert data.participants_total == {
        "women": 4 * (5 + 6 + 7 + 8),
        "men": 4 * 4 * 4,
        "total": 4 * (5 + 6 + 7 + 8) + 64,
        "women_share": Decimal(100) * 104 / 168,
    }


@pytest.mark.django_db
def test_empty_cycle_gives_an_annex_with_nothing_recorded_yet(cycle):
    data = gather_annex(load_cycle(cycle))
    assert data.actions == [] and data.ideas == [] and data.deliberation is None
    assert data.budget["total"] == 0 and data.budget["gender_share"] is None
    html = render.render_html(data, "fr")
    assert "Non renseigné pour l'instant." in html
    assert "Aucune action intégrée au PAC pour l'instant." in html


def test_numbers_money_and_shares_per_language():
    with translation.override("fr"):
        assert tags.num(1250000) == "1\u00a0250\u00a0000"
        assert tags.mad(Decimal("1250000.00")) == "1\u00a0250\u00a0000 MAD"
        assert tags.mad(Decimal("1250.5")) == "1\u00a0250,50 MAD"
        assert tags.pct(Decimal("37.5")) == "38\u00a0%"
        assert tags.pct(None) == "-"
        assert tags.num(2022) == "2\u00a0022"  # years are printed without the filter
    with translation.override("ar"):
        # Digits 0-9, grouped by a narrow no-break space that keeps the number in one
        # piece inside right-to-left text.
        assert tags.mad(Decimal("1250000")) == "1\u202f250\u202f000 درهم"
        assert tags.pct(Decimal("37.4")) == "37%"


def test_dates_in_the_documents_language():
    with translation.override("fr"):
        assert tags.ldate(datetime.date(2023, 2, 1)) == "1er février 2023"
        assert tags.ldate(datetime.date(2022, 8, 25)) == "25 août 2022"
    with translation.override("ar"):
        # Moroccan month names.
        assert tags.ldate(datetime.date(2023, 5, 7)) == "7 ماي 2023"
        assert tags.ldate(datetime.date(2022, 7, 27)) == "27 يوليوز 2022"
        assert tags.ldate(datetime.date(2022, 8, 1)) == "1 غشت 2022"
        assert tags.ldate(datetime.date(2027, 12, 31)) == "31 دجنبر 2027"
    assert tags.ldate(None) == "-"


def test_text_direction_and_css_strings():
    assert tags.textdir("Cellule d'accueil") == "ltr"
    assert tags.textdir("خلية الاستقبال") == "rtl"
    assert tags.textdir("2023 - خلية") == "rtl"  # digits are weak: the first letter decides
    assert tags.iso("<b>x</b>") == "\u2068&lt;b&gt;x&lt;/b&gt;\u2069"
    css = tags.cssstr('a"b\\c</style>{}')
    assert css.startswith('"') and css.endswith('"')
    assert "<" not in css and "{" not in css and css.count('"') == 2
    with translation.override("fr"):
        assert tags.commune_title("Oujda") == "Commune d'Oujda"
        assert tags.commune_title("Aït Amira") == "Commune d'Aït Amira"
        assert tags.commune_title("Nador") == "Commune de Nador"


@pytest.mark.django_db
def test_annex_progress_follows_the_pages_rule(cycle):
    """A completed action counts 100 %, in the annex as on the PAC page."""
    first, second = build_sample_cycle(cycle, n_actions=2)
    am.PacAction.objects.filter(pk=first.pk).update(status=am.PacAction.Status.COMPLETED)
    rows = {row["code"]: row for row in gather_annex(load_cycle(cycle)).actions}
    for action in (first, second):
        action.refresh_from_db()
        assert rows[action.code]["progress"] == services.action_progress(action)
    assert rows[first.code]["progress"] == 100
