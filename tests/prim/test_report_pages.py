"""The report pages: who sees them, what they show, the "< 5" rule, the spreadsheets."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext, override
from openpyxl import load_workbook

from communes.models import Commune, Region
from diagnostics.models import TargetGroup
from tests.access_matrix import ALLOWED, LOGIN
from tests.actions.conftest import build_ideas, decide, make_action
from tests.factories import (
    AwarenessSessionFactory,
    CommuneFactory,
    ConsultationSessionFactory,
    ParticipationFactory,
    TrainingFactory,
    open_cycle,
)

pytestmark = pytest.mark.django_db

REGION = "/regions/02/report/"
PROVINCE = "/provinces/oujda-angad/"
COUNTRY = "/report/"

NOBODY_BUT = {
    "anonymous": LOGIN,
    "other_editor": 404,
    "other_coordinator": 404,
    "viewer": 404,
    "province_reader": 404,
    "coordinator": 404,
    "national": 404,
    "editor": 404,
}


def fill(cycle, *, refugees=(1, 2), cost=Decimal("100000")):
    """A cycle with a record of each step: awareness, a training, a consultation with MRE and
    refugees, two ideas (one adopted and planned), and an action with its cost and financing."""
    AwarenessSessionFactory(cycle=cycle, attendance={"elected": (4, 6)})
    TrainingFactory(cycle=cycle, trainees=(("f", 2), ("f", 2), ("m", 2)))
    session = ConsultationSessionFactory(cycle=cycle)
    ParticipationFactory(session=session, group=TargetGroup.objects.get(code="mre"), women=9, men=7)
    ParticipationFactory(
        session=session,
        group=TargetGroup.objects.get(code="refugees"),
        women=refugees[0],
        men=refugees[1],
    )
    ideas = build_ideas(cycle, 2)
    decide(ideas[:1])
    make_action(cycle, ideas[:1], cost=cost, migration_marker=2)


def test_the_region_report_is_for_its_coordinators_and_national_administrators(access, cycle):
    fill(cycle)
    access.check(
        REGION,
        {**NOBODY_BUT, "coordinator": ALLOWED, "national": ALLOWED},
        shows='data-commune="oujda"',
    )


def test_the_province_report_is_for_its_readers_coordinators_and_national(access, cycle):
    fill(cycle)
    access.check(
        PROVINCE,
        {**NOBODY_BUT, "province_reader": ALLOWED, "coordinator": ALLOWED, "national": ALLOWED},
        shows='data-commune="oujda"',
    )
    access.check(
        "/provinces/chtouka-ait-baha/",
        {**NOBODY_BUT, "national": ALLOWED, "other_coordinator": ALLOWED},
        shows="Chtouka",
    )


def test_the_country_report_is_for_national_administrators(access, cycle):
    fill(cycle)
    access.check(COUNTRY, {**NOBODY_BUT, "national": ALLOWED}, shows='data-region="02"')


def test_a_province_reader_lands_on_the_province_and_reads_its_communes(
    client_for, province_reader, cycle
):
    client = client_for(province_reader)
    assert client.get("/").url == PROVINCE
    assert client.get("/communes/oujda/").status_code == 200
    assert client.get("/communes/nador/").status_code == 404  # another province
    assert client.get("/regions/02/").status_code == 404


def _cell(html, commune, column):
    start = html.index(f'data-commune="{commune}"')
    cell = html.index(f'data-col="{column}"', start)
    return html[html.index(">", cell) + 1 : html.index("</td>", cell)]


def test_a_small_count_of_refugees_shows_as_under_five_outside_the_commune(
    client_for, coordinator, viewer, cycle
):
    fill(cycle, refugees=(1, 2))
    region = client_for(coordinator).get(REGION).content.decode()
    # MRE are 16, refugees 3: the commune's migrants (19) show; the refugees' row does not.
    assert ">19</a>" in _cell(region, "oujda", "migrants")
    refugees = region[region.index("Réfugiés et demandeurs d") :]
    refugees = refugees[: refugees.index("</tr>")]
    assert "&lt; 5" in refugees and ">1<" not in refugees and ">2<" not in refugees
    # The commune's own page keeps the exact figures.
    own = client_for(viewer).get("/communes/oujda/").content.decode()
    migrants = own[own.index('data-people="migrants"') :]
    assert ">10<" in migrants[: migrants.index("</tr>")]  # 9 MRE women + 1 refugee woman
    fill(cycle, refugees=(9, 2))  # now 10 women and 4 men: the women are hidden too ("*")
    region = client_for(coordinator).get(REGION).content.decode()
    refugees = region[region.index("Réfugiés et demandeurs d") :]
    refugees = refugees[: refugees.index("</tr>")]
    assert ">*<" in refugees and "&lt; 5" in refugees and ">14<" in refugees


def test_the_commune_page_shows_the_figures_the_region_counts_for_it(
    client_for, coordinator, viewer, cycle
):
    fill(cycle)
    region = client_for(coordinator).get(REGION).content.decode()
    own = client_for(viewer).get("/communes/oujda/").content.decode()
    for key, expected in [("ideas", "2"), ("adopted", "1"), ("actions", "1")]:
        assert f">{expected}</a>" in _cell(region, "oujda", key)
        row = own[own.index(f'data-funnel="{key}"') :]
        assert f">{expected}</td>" in row[: row.index("</tr>")]
    assert ">2</a>" in _cell(region, "oujda", "trained_women")
    assert ">1</a>" in _cell(region, "oujda", "trained_men")
    # Each figure leads to the records it counts.
    assert 'href="/communes/oujda/pac/2022/training/"' in region
    assert 'href="/communes/oujda/pac/2022/plan/pac/"' in region


def test_filters_sort_and_search(client_for, coordinator, cycle):
    fill(cycle, cost=Decimal("500000"))
    nador = Commune.objects.get(code="nador")
    fill(open_cycle(nador, 2022), cost=Decimal("100000"))
    client = client_for(coordinator)
    page = client.get(REGION + "?sort=-cost").content.decode()
    assert page.index('data-commune="oujda"') < page.index('data-commune="nador"')
    page = client.get(REGION + "?sort=cost").content.decode()
    assert page.index('data-commune="nador"') < page.index('data-commune="oujda"')
    page = client.get(REGION + "?q=الناظور").content.decode()
    assert 'data-commune="nador"' in page and 'data-commune="oujda"' not in page
    page = client.get(REGION + "?province=nador").content.decode()
    assert 'data-commune="nador"' in page and 'data-commune="oujda"' not in page
    page = client.get(REGION + "?step=1&status=validated").content.decode()
    assert 'data-commune="nador"' not in page and 'data-commune="oujda"' not in page
    # Nonsense in the form is ignored, never a 500.
    response = client.get(REGION + "?period=abc&step=9&status=x&sort=nope&page=zz")
    assert response.status_code == 200 and 'data-commune="oujda"' in response.content.decode()


def test_the_region_spreadsheet_has_numbers_and_no_formula(client_for, coordinator, cycle):
    fill(cycle, refugees=(1, 2))
    Commune.objects.filter(code="oujda").update(name_fr='=HYPERLINK("http://x","Oujda")')
    response = client_for(coordinator).get(REGION + "?download=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    with override("fr"):
        assert headers[:2] == (gettext("Commune"), gettext("Sensitised: women"))
    (oujda,) = [r for r in rows[1:-1]]
    assert oujda[0].startswith("'=HYPERLINK")
    assert sheet.cell(row=2, column=1).data_type == "s"
    named = dict(zip(headers, oujda, strict=True))
    cost = [v for h, v in named.items() if "MAD" in str(h)][0]
    assert cost == 100000 and isinstance(cost, int)
    assert all(isinstance(v, int) for v in oujda[1:7])
    assert rows[-1][0] in ("Total",)
    csv = client_for(coordinator).get(REGION + "?download=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "100000" in csv


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("url", "persona"),
    [(REGION, "coordinator"), (PROVINCE, "province_reader"), (COUNTRY, "national")],
)
def test_report_pages_run_the_same_queries_whatever_the_number_of_communes(
    client_for, personas, cycle, url, persona
):
    """Warm (every cycle's figures stored): session and user (2) + scope (1) + the territory (1:
    the region, the province with its region, or the twelve regions) + the region's provinces
    for the filter (1, region page) + cycles (1) and their steps (1, not on the country page) +
    the cycles' stored figures (1) + the target groups' names (1) + the trackers of the page's
    communes (11: the five step selectors over those 25 at most, see TRACKER in
    test_query_counts; not on the country page) + PAC periods (1) + the navigation's review
    count (1, reviewers): 22, 20, 9 (23, 21, 21 when every report read the step selectors over
    all its cycles, 1 + 11 + 3 for 2 now).
    Cold (a write dropped the figures): + the step selectors over the missing cycles (11) +
    their groups, years, sources (3) + storing them (1): 15 more, whatever their number."""
    client = client_for(getattr(personas, persona))
    fill(cycle)
    cold = _queries(client, url)
    warm = _queries(client, url)
    oujda = Commune.objects.get(code="oujda")
    for i in range(6):
        commune = CommuneFactory(province=oujda.province, code=f"extra-{i}", name_fr=f"Extra {i}")
        fill(open_cycle(commune, 2022))
    assert _queries(client, url) == cold
    assert _queries(client, url) == warm
    assert warm == {REGION: 22, PROVINCE: 20, COUNTRY: 9}[url]
    assert cold == warm + 15


def test_the_commune_page_adds_three_queries_for_its_figures(client_for, viewer, cycle):
    fill(cycle)
    client = client_for(viewer)
    small = _queries(client, "/communes/oujda/")
    fill(cycle)
    assert _queries(client, "/communes/oujda/") == small


def test_the_country_report_adds_the_regions_up(client_for, national, cycle, other_cycle):
    fill(cycle)
    fill(other_cycle)
    page = client_for(national).get(COUNTRY).content.decode()
    for code in ("02", "09"):
        row = page[page.index(f'data-region="{code}"') :]
        assert 'data-col="actions">1<' in row[: row.index("</tr>")]
    assert Region.objects.count() == page.count("data-region=")


def test_the_country_report_filters_one_region(client_for, national, cycle, other_cycle):
    fill(cycle)  # Oujda, in the Oriental (02)
    fill(other_cycle, cost=Decimal("250000"))  # in Souss-Massa (09)
    client = client_for(national)
    page = client.get(COUNTRY, {"region": "02"}).content.decode()
    assert 'id="f-region"' in page and '<option value="02" selected>' in page
    assert page.count("data-region=") == 1 and 'data-region="02"' in page
    # Its title names the region, not the country: the printed page says what it counts.
    assert "Rapport de programme\xa0: L&#x27;Oriental</h1>" in page
    assert (
        "Rapport de programme\xa0: Maroc"
        not in client.get(COUNTRY, {"region": "02"}).content.decode()
    )
    assert "Rapport de programme\xa0: Maroc</h1>" in client.get(COUNTRY).content.decode()
    download = client.get(COUNTRY, {"region": "02", "download": "csv"})
    assert "morocco-region-02" in download["Content-Disposition"]
    # The totals are the Oriental's alone, as its own report shows them.
    country = client.get(COUNTRY, {"region": "02"}).context["total"]
    region = client.get(REGION).context["total"]
    assert (country.actions, country.cost.total) == (region.actions, region.cost.total)
    assert country.cost.total == Decimal("100000")
    # A region that does not exist is ignored, never a 500: every region is shown.
    page = client.get(COUNTRY, {"region": "xx"}).content.decode()
    assert page.count("data-region=") == Region.objects.count()
