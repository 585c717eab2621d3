"""The summary's figures on the known fixture, the checklist, the submission, fixed query counts."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import StepStatus
from communes.steps import get_step
from communes.tracker import build_trackers
from diagnostics import selectors
from tests.diagnostics.conftest import build_diagnosis


def _figure(page, name):
    match = re.search(rf'data-figure="{name}">([^<]*)<', page)
    return match.group(1).strip() if match else None


def test_summary_figures_on_the_known_fixture(client_for, editor, cycle, diagnosis, url):
    # Session 1: MRE 3 W + 5 M, civil society 4 W + 2 M; session 2 (age bands):
    # third-country nationals 6 W + 2 M, young people 1 W + 3 M. 14 W, 12 M = 26.
    page = client_for(editor).get(url("diagnostics:summary", cycle)).content.decode()
    assert _figure(page, "sessions") == "2"
    assert _figure(page, "participants") == "26"
    assert _figure(page, "women-percent") == "54\xa0%"  # 14 / 26 (no-break space)
    assert _figure(page, "migrant-percent") == "62\xa0%"  # (8 + 8) / 26
    assert _figure(page, "findings") == "2"
    assert _figure(page, "ideas") == "1"
    assert _figure(page, "unanswered") == "1"
    assert "Unanswered need" in page
    # Findings by sector with their gaps, ideas with what they answer.
    assert "Accueil et orientation" in page and "Logement" in page
    assert "Women said this." in page and "Men said that." in page
    assert "I-01" in page and "F-01" in page
    # The migration profile with its source and year.
    assert (
        '<td class="small" data-label="Source"><span dir="auto">HCP</span></td>'
        '<td class="text-end small" data-label="Année">2014</td>'
    ) in page


def test_stats_of_the_known_fixture(cycle, diagnosis):
    stats = selectors.cycle_stats([cycle])[cycle.pk]
    assert (stats.women, stats.men, stats.participants) == (14, 12, 26)
    assert (stats.migrant_women, stats.migrant_men) == (9, 7)
    assert stats.sessions == 2 and stats.sessions_with_participants == 2
    assert (stats.findings, stats.ideas, stats.linked_ideas) == (2, 1, 1)
    assert stats.women_percent == 54 and stats.migrant_percent == 62


def test_checklist_and_figures_in_the_tracker(cycle, other_cycle, diagnosis):
    rows = build_trackers(
        [
            cycle.__class__.objects.prefetch_related("steps")
            .select_related("commune")
            .get(pk=cycle.pk)
        ]
    )
    step3 = rows[cycle.pk][2]
    assert step3.complete
    assert dict((str(k), v) for k, v in step3.figures)["Participants"] == 26
    empty = get_step(3).summary([other_cycle])[other_cycle.pk].checklist
    assert [item.done for item in empty] == [False, False, False, False]


def test_checklist_needs_a_migrant_group(cycle, groups, sectors):
    import datetime

    from diagnostics.models import ConsultationSession, Participation

    session = ConsultationSession.objects.create(
        cycle=cycle, kind="workshop", date=datetime.date(2022, 11, 1), title="Staff", place="x"
    )
    Participation.objects.create(session=session, group=groups["commune-staff"], women=4, men=4)
    items = get_step(3).summary([cycle])[cycle.pk].checklist
    assert [item.done for item in items] == [True, False, False, False]


def test_checklist_batch_runs_fixed_queries(cycle, other_cycle, diagnosis, groups, sectors):
    build_diagnosis(other_cycle, 3, groups=groups, sectors=sectors)
    with CaptureQueriesContext(connection) as one:
        get_step(3).summary([cycle])
    with CaptureQueriesContext(connection) as two:
        get_step(3).summary([cycle, other_cycle])
    # Sessions with participations, ideas with finding links, findings, each grouped by
    # cycle: three queries, whatever the batch (one of correlated subqueries before, which
    # cost the database a pass per cycle).
    assert len(one) == len(two) == 3


def test_editor_submits_a_complete_step(client_for, editor, cycle, diagnosis, url):
    client = client_for(editor)
    page = client.get(url("diagnostics:summary", cycle)).content.decode()
    assert "/steps/3/submit/" in page
    response = client.post(
        "/communes/oujda/pac/2022/steps/3/submit/", {"next": url("diagnostics:summary", cycle)}
    )
    assert response.status_code == 302 and response.url == url("diagnostics:summary", cycle)
    assert StepStatus.objects.get(cycle=cycle, step=3).status == "submitted"


def test_incomplete_step_offers_no_submission(client_for, editor, cycle, url):
    page = client_for(editor).get(url("diagnostics:summary", cycle)).content.decode()
    assert "/steps/3/submit/" not in page


# Base of every page: session (1) + user (1) + memberships (1) + cycle (1) + step status (1) = 5.
# Summary: + step 3 summary (3, for the panel and the figures: sessions, ideas, findings grouped
# by cycle) + participation by group (1) + by age band (1) + by type (1) + profile (1)
# + findings (1) with groups (1) and idea links (1) + ideas (1) with finding links (1) = 17
# (15 with the summary as one query of correlated subqueries, which grew with the number of
# cycles on the report pages; 18 before the summary selector).
# Lists: + count (1) + page (1) + prefetches (sessions: participations = 1; findings: groups,
# sessions, idea links = 3; ideas: target groups, finding links = 2).
# Each page with what it shows once ``size`` units are recorded.
PAGES = [
    ("diagnostics:summary", 17, 'data-figure="sessions">{size}<'),
    ("diagnostics:sessions", 8, "Focus group {size}<"),
    ("diagnostics:findings", 10, "Need {size}<"),
    ("diagnostics:ideas", 9, "Idea {size}<"),
]


@pytest.mark.parametrize(("name", "queries", "shows"), PAGES)
@pytest.mark.parametrize("size", [1, 12])
def test_pages_run_fixed_queries(
    client_for,
    editor,
    cycle,
    groups,
    sectors,
    url,
    django_assert_num_queries,
    name,
    queries,
    shows,
    size,
):
    build_diagnosis(cycle, size, groups=groups, sectors=sectors)
    client = client_for(editor)
    client.get(url(name, cycle))  # warm the session
    with django_assert_num_queries(queries):
        response = client.get(url(name, cycle))
    assert response.status_code == 200
    assert shows.format(size=size) in response.content.decode()


def test_commune_tracker_links_to_the_diagnosis(client_for, viewer, cycle, diagnosis, url):
    page = client_for(viewer).get("/communes/oujda/").content.decode()
    assert f'href="{url("diagnostics:summary", cycle)}"' in page
    assert "Femmes parmi les participants" in page and "54\xa0%" in page


def test_summary_shows_the_shared_step_panel(client_for, editor, cycle, diagnosis, url):
    """Step 3 draws the same panel as the other steps: status, progress, checklist, figures."""
    page = html.unescape(client_for(editor).get(url("diagnostics:summary", cycle)).content.decode())
    panel = page[
        page.index('data-step="3"') : page.index("</section>", page.index('data-step="3"'))
    ]
    assert 'value="100"' in panel  # four items of four done
    assert "Au moins une séance de consultation avec des participants" in panel
    assert "Femmes parmi les participants" in panel and "54\xa0%" in panel
    assert "/steps/3/submit/" in panel


def test_locked_summary_says_read_only_once(client_for, editor, cycle, diagnosis, url):
    StepStatus.objects.filter(cycle=cycle, step=3).update(status="submitted")
    page = html.unescape(client_for(editor).get(url("diagnostics:summary", cycle)).content.decode())
    assert page.count("lecture seule") == 1
    assert "/steps/3/submit/" not in page
