"""Pages run a fixed number of queries whatever the number of communes and cycles."""

import pytest

from communes.models import Commune
from tests.factories import CommuneFactory, open_cycle

pytestmark = pytest.mark.django_db


def _grow_region(region, n):
    province = region.provinces.first()
    for _ in range(n):
        open_cycle(CommuneFactory(province=province), 2022)


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
    client = client_for(coordinator)
    # region (1) + count for the paginator (1) + page of communes (1) + their cycles (1)
    # + the cycles' step statuses (1) + one per registered step hook.
    from communes.steps import all_steps

    hooks = sum(bool(s.checklist) + bool(s.figures) for s in all_steps())
    with django_assert_num_queries(AUTH + 5 + hooks):
        response = client.get("/regions/02/")
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(4 + extra_communes, 25)


@pytest.mark.parametrize("extra_communes", [0, 30])
def test_country_page_query_count(
    client_for, national, oriental, extra_communes, django_assert_num_queries
):
    _grow_region(oriental, extra_communes)
    client = client_for(national)
    # the regions with their aggregated counts, in one query.
    with django_assert_num_queries(AUTH + 1):
        response = client.get("/regions/")
    assert response.status_code == 200


@pytest.mark.parametrize("cycles", [1, 3])
def test_commune_page_query_count(client_for, editor, oujda, cycles, django_assert_num_queries):
    for i in range(cycles):
        open_cycle(oujda, 2010 + 6 * i)
    from communes.steps import all_steps

    hooks = sum(bool(s.checklist) + bool(s.figures) for s in all_steps())
    client = client_for(editor)
    # commune with province and region (1) + its cycles (1) + their step statuses (1) + hooks.
    with django_assert_num_queries(AUTH + 3 + hooks):
        response = client.get("/communes/oujda/")
    assert response.status_code == 200
