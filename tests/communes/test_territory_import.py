"""The territory file: regions, provinces and communes with codes and FR/AR names, in one file
imported by a national administrator from the admin (communes.admin.TerritoryResource)."""

import pytest
from django.urls import reverse
from tablib import Dataset

from communes.admin import TerritoryResource
from communes.models import Commune, Province, Region

pytestmark = pytest.mark.django_db

HEAD = [
    "region_code",
    "region_name_fr",
    "region_name_ar",
    "province_code",
    "province_name_fr",
    "province_name_ar",
    "province_kind",
    "code",
    "name_fr",
    "name_ar",
    "kind",
    "population",
    "population_year",
]


def dataset(*rows):
    data = Dataset(headers=HEAD)
    for row in rows:
        data.append(row)
    return data


NEW = [
    "13",
    "Région test",
    "جهة تجريبية",
    "prov-test",
    "Province test",
    "إقليم تجريبي",
    "province",
    "commune-test",
    "Commune test",
    "جماعة تجريبية",
    "rural",
    "1200",
    "2024",
]


def test_creates_the_three_levels_then_reports_no_change(national):
    data = dataset(NEW)
    result = TerritoryResource().import_data(data, dry_run=True, user=national)
    assert not result.has_errors() and not result.has_validation_errors()
    assert not Region.objects.filter(code="13").exists()  # a dry run leaves nothing
    result = TerritoryResource().import_data(data, dry_run=False, user=national)
    assert result.totals["new"] == 1
    commune = Commune.objects.select_related("province__region").get(code="commune-test")
    assert commune.name_ar == "جماعة تجريبية" and commune.province.region.name_ar == "جهة تجريبية"
    assert commune.history.first().history_user == national
    again = TerritoryResource().import_data(data, dry_run=False, user=national)
    assert again.totals["skip"] == 1
    assert Province.objects.filter(code="prov-test").count() == 1


def test_round_trip_of_the_shipped_territory(national):
    exported = TerritoryResource().export()
    count = Commune.objects.count()
    result = TerritoryResource().import_data(exported, dry_run=False, user=national)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == count and Commune.objects.count() == count


def test_bad_row_writes_nothing(national):
    bad = list(NEW)
    bad[7], bad[10] = "commune-bad", "village"  # not a kind of commune
    result = TerritoryResource().import_data(dataset(NEW, bad), dry_run=False, user=national)
    assert result.has_validation_errors()
    assert not Commune.objects.filter(code__in=["commune-test", "commune-bad"]).exists()


def test_only_national_admins_reach_the_import(client_for, national, coordinator):
    url = reverse("admin:communes_commune_import")
    for user in (national, coordinator):
        user.is_staff = True
        user.save()
    assert client_for(coordinator).get(url).status_code in (302, 403)
    assert client_for(national).get(url).status_code == 200
