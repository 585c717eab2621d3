"""Pages run a fixed number of queries whatever the number of communes and cycles."""

import re

import pytest

from communes.models import Commune
from tests.factories import CommuneFactory, open_cycle

pytestmark = pytest.mark.django_db


def _grow_region(region, n):
    province = region.provinces.first()
    for _ in range(n):
        open_cycle(CommuneFactory(province=province), 2022)


def _submit_step_1(region, by):
    """Step 1 of every cycle of the region waits for review: the queue grows with the region."""
    from django.utils import timezone

    from communes.models import StepStatus

    StepStatus.objects.filter(step=1, cycle__commune__province__region=region).update(
        status=StepStatus.Status.SUBMITTED, changed_by=by, changed_at=timezone.now()
    )


# The review queue (prim.views._review_queue) on a reviewer's landing page: its count (1) + a
# page of steps with commune and author (1) + the statuses of the page's cycles (1); and the
# number of steps to review in the navigation (1).
QUEUE = 3 + 1


def tracker_queries(cycles):
    """Queries the step apps' tracker hooks run for a batch of cycles (statuses prefetched)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from communes.models import PlanningCycle
    from communes.tracker import build_trackers

    cycles = list(
        PlanningCycle.objects.filter(pk__in=[c.pk for c in cycles])
        .select_related("commune")
        .prefetch_related("steps")
    )
    with CaptureQueriesContext(connection) as captured:
        build_trackers(cycles)
    return len(captured)


# The tracker runs each step's summary selector once, whatever the number of cycles:
# aggregates grouped by cycle, awareness (1) + training (1) + diagnosis (3: sessions, ideas,
# findings) + prioritisation (2: cycles, ideas) + PAC (4: decisions, actions, costs,
# financing) = 11. It was 5 with steps 3-5 as one query of correlated subqueries each, which
# cost the database a pass per cycle and Django ~40 subqueries to compile per request (the
# country report took 1.4 s at 300 communes); 24 before the selectors.
TRACKER = 11


def test_tracker_hooks_run_a_fixed_number_of_queries(oriental):
    """One cycle or thirty: the summaries of every registered step cost the same."""
    _grow_region(oriental, 30)
    from communes.models import PlanningCycle

    cycles = list(PlanningCycle.objects.all())
    assert len(cycles) == 30
    assert tracker_queries(cycles[:1]) == tracker_queries(cycles) == TRACKER


# Every authenticated page: session (1) + user (1) + the user's memberships, read once
# into their scope (1) = 3 queries before the view's own.
AUTH = 3


@pytest.mark.parametrize("extra_communes", [0, 30])
def test_region_page_query_count(
    client_for, coordinator, oriental, extra_communes, django_assert_num_queries
):
    for commune in Commune.objects.filter(province__region=oriental):
        open_cycle(commune, 2022)
    _grow_region(oriental, extra_communes)
    _submit_step_1(oriental, coordinator)
    client = client_for(coordinator)
    # region (1) + count for the paginator (1) + page of communes (1) + their cycles (1)
    # + the cycles' step statuses (1) + the tracker (TRACKER) + the review queue (QUEUE)
    # = 3 + 5 + TRACKER + QUEUE (32 + QUEUE before the selectors).
    with django_assert_num_queries(AUTH + 5 + TRACKER + QUEUE):
        response = client.get("/regions/02/")
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(4 + extra_communes, 25)
    assert response.content.decode().count("data-commune=") == min(4 + extra_communes, 25)
    assert len(response.context["queue_rows"]) == min(4 + extra_communes, 10)
    assert f'data-review-count="{4 + extra_communes}"' in response.content.decode()


@pytest.mark.parametrize("extra_communes", [0, 30])
def test_country_page_query_count(
    client_for, national, oriental, extra_communes, django_assert_num_queries
):
    for commune in Commune.objects.filter(province__region=oriental):
        open_cycle(commune, 2022)
    _grow_region(oriental, extra_communes)
    _submit_step_1(oriental, national)
    client = client_for(national)
    # the regions with their aggregated counts, in one query + QUEUE (the national queue).
    with django_assert_num_queries(AUTH + 1 + QUEUE):
        response = client.get("/regions/")
    assert response.status_code == 200
    assert len(response.context["queue_rows"]) == min(4 + extra_communes, 10)
    page = response.content.decode()
    assert page.count("data-region=") == 12
    # The Oriental's row: communes, with a PAC cycle, steps submitted, steps validated.
    row = re.search(r'<tr data-region="02">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r'<td class="text-end" data-label="[^"]*">([^<]*)</td>', row)
    communes = str(4 + extra_communes)
    assert cells == [communes, communes, communes, "0"]


@pytest.mark.parametrize("cycles", [1, 3])
def test_commune_page_query_count(client_for, editor, oujda, cycles, django_assert_num_queries):
    from communes.models import StepStatus

    for i in range(cycles):
        open_cycle(oujda, 2010 + 6 * i)
    StepStatus.objects.update(changed_by=editor)
    client = client_for(editor)
    # commune with province and region (1) + its cycles (1) + their step statuses (1) + who
    # moved them last (1) + the tracker (TRACKER) + the shown cycle's review thread with its
    # authors (1) + the commune's own figures (groups, years, sources: 3, the tracker's summaries
    # reused) = 3 + 5 + TRACKER + 3 = 22 (32 before the selectors).
    with django_assert_num_queries(AUTH + 5 + TRACKER + 3):
        response = client.get("/communes/oujda/")
    assert response.status_code == 200
    page = response.content.decode()
    for i in range(cycles):  # every cycle of the commune, by its period
        assert f"{2010 + 6 * i}-{2015 + 6 * i}" in page
