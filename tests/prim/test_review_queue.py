"""The review queue: submitted steps waiting for a reviewer, oldest first, with the count in
the navigation."""

import datetime
import html

import pytest
from django.utils import timezone

from communes.models import Commune, StepStatus
from tests.factories import open_cycle

pytestmark = pytest.mark.django_db
SUBMITTED = StepStatus.Status.SUBMITTED


def submit(cycle, step, by, days_ago):
    StepStatus.objects.filter(cycle=cycle, step=step).update(
        status=SUBMITTED, changed_by=by, changed_at=timezone.now() - datetime.timedelta(days_ago)
    )


@pytest.fixture
def waiting(cycle, other_cycle, editor, other_editor):
    """Oujda: step 2 sent 3 days ago, step 4 yesterday; Sidi Bibi (Souss-Massa): step 1."""
    submit(cycle, 4, editor, 1)
    submit(cycle, 2, editor, 3)
    submit(other_cycle, 1, other_editor, 2)
    return cycle


def queue_of(response):
    return [
        (row.status.cycle.commune.code, row.status.step) for row in response.context["queue_rows"]
    ]


def test_the_coordinator_sees_the_region_queue_oldest_first(client_for, coordinator, waiting):
    response = client_for(coordinator).get("/regions/02/")
    assert queue_of(response) == [("oujda", 2), ("oujda", 4)]
    page = html.unescape(response.content.decode())
    row = page.split('data-queue-step="oujda-2"')[1].split("</tr>")[0]
    assert "Oujda" in row and "Étape 2" in row and "Editor User" in row
    assert "/communes/oujda/pac/2022/#step-2" in row
    # Step 4 is listed, with why it cannot be validated yet.
    row = page.split('data-queue-step="oujda-4"')[1].split("</tr>")[0]
    assert "La validation attend que l'étape 3 soit soumise." in row
    assert "sidi-bibi" not in page.split('id="review-queue"')[1].split("</section>")[0]
    assert 'data-review-count="2"' in page
    assert "À examiner" in page


def test_the_national_administrator_sees_the_national_queue(client_for, national, waiting):
    response = client_for(national).get("/regions/")
    assert queue_of(response) == [("oujda", 2), ("sidi-bibi", 1), ("oujda", 4)]
    assert 'data-review-count="3"' in response.content.decode()


def test_editors_and_viewers_have_no_queue(client_for, editor, viewer, waiting):
    for user in (editor, viewer):
        page = client_for(user).get("/communes/oujda/").content.decode()
        assert "data-review-count" not in page
        assert 'id="review-queue"' not in page


def test_the_navigation_count_leads_to_the_queue(client_for, coordinator, waiting):
    client = client_for(coordinator)
    page = client.get("/communes/oujda/").content.decode()
    assert 'href="/#review-queue" data-review-count="2"' in page
    assert client.get("/").url == "/regions/02/"


def test_an_empty_queue_says_so(client_for, other_coordinator, cycle):
    page = html.unescape(client_for(other_coordinator).get("/regions/09/").content.decode())
    assert "Rien n'attend votre examen." in page
    assert 'data-review-count="0"' in page


def test_the_queue_is_paginated(client_for, coordinator, oriental):
    communes = Commune.objects.filter(province__region=oriental)[:4]
    for index, commune in enumerate(communes):
        cycle = open_cycle(commune, 2022)
        for step in (1, 2, 3):
            submit(cycle, step, None, 30 - index * 3 - step)
    client = client_for(coordinator)
    first = client.get("/regions/02/")
    assert len(first.context["queue_rows"]) == 10
    assert "?queue=2#review-queue" in first.content.decode()
    second = client.get("/regions/02/?queue=2")
    assert len(second.context["queue_rows"]) == 2
    dates = [
        row.status.changed_at
        for response in (first, second)
        for row in response.context["queue_rows"]
    ]
    assert dates == sorted(dates)


def test_a_coordinator_of_two_regions_sees_both_on_the_home_page(
    client_for, coordinator, souss, waiting
):
    from communes.models import Membership, Role

    Membership.objects.create(user=coordinator, role=Role.COORDINATOR, region=souss)
    response = client_for(coordinator).get("/")
    assert response.status_code == 200
    assert queue_of(response) == [("oujda", 2), ("sidi-bibi", 1), ("oujda", 4)]


@pytest.mark.parametrize("extra", [0, 12])
def test_the_home_queue_runs_a_fixed_number_of_queries(
    client_for, coordinator, souss, waiting, oriental, extra, django_assert_num_queries
):
    from communes.models import Membership, Role
    from tests.factories import CommuneFactory

    Membership.objects.create(user=coordinator, role=Role.COORDINATOR, region=souss)
    province = oriental.provinces.first()
    for _ in range(extra):
        submit(open_cycle(CommuneFactory(province=province), 2022), 1, None, 5)
    client = client_for(coordinator)
    # session (1) + user (1) + memberships (1) + regions (1) + queue count (1) + a page of
    # steps (1) + their cycles' statuses (1) + the navigation's count (1); no commune role, so
    # the list of the user's communes is empty without a query.
    with django_assert_num_queries(8):
        response = client.get("/")
    assert len(response.context["queue_rows"]) == min(3 + extra, 10)
