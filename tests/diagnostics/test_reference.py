"""Reference lists: seeded by the data migration, managed in the admin by national admins."""

import pytest
from django.urls import reverse

from diagnostics.admin import SectorResource
from diagnostics.models import Sector, TargetGroup
from diagnostics.reference import SECTORS, TARGET_GROUPS


def test_lists_are_seeded_in_french_and_arabic(db):
    assert Sector.objects.count() == len(SECTORS) == 11
    assert TargetGroup.objects.count() == len(TARGET_GROUPS)
    assert Sector.objects.get(code="reception-orientation").name_ar == "الاستقبال والتوجيه"
    migrants = set(TargetGroup.objects.filter(is_migrant=True).values_list("code", flat=True))
    assert {"mre", "returning-mre", "third-country-nationals", "refugees"} <= migrants
    assert "commune-staff" not in migrants


def test_grid_rows_are_the_consultation_groups(db):
    rows = list(
        TargetGroup.objects.filter(in_consultation_grid=True).values_list("code", flat=True)
    )
    assert rows[0] == "mre" and rows[-1] == "other"
    assert "women-migrants" not in rows  # the women column of the migrant rows


def test_inactive_sector_is_not_offered_to_new_findings(client_for, editor, cycle, url):
    Sector.objects.filter(code="housing").update(active=False)
    form = client_for(editor).get(url("diagnostics:finding_create", cycle)).context["form"]
    assert "housing" not in {s.code for s in form.fields["sector"].queryset}


@pytest.fixture
def staff(personas):
    for user in (personas.national, personas.coordinator):
        user.is_staff = True
        user.save()
    return personas


# What each admin page shows: the list's rows, the form's fields, the import form.
ADMIN_SHOWS = {
    "changelist": {"sector": "Accueil et orientation", "targetgroup": "(MRE)"},
    "add": dict.fromkeys(("sector", "targetgroup"), 'name="name_ar"'),
    "import": dict.fromkeys(("sector", "targetgroup"), 'name="import_file"'),
}


@pytest.mark.parametrize("view", ["changelist", "add", "import"])
@pytest.mark.parametrize("model", ["sector", "targetgroup"])
def test_national_admin_manages_the_lists(client_for, staff, view, model):
    response = client_for(staff.national).get(reverse(f"admin:diagnostics_{model}_{view}"))
    assert response.status_code == 200
    assert ADMIN_SHOWS[view][model] in response.content.decode()


@pytest.mark.parametrize("view", ["add", "import"])
def test_a_staff_coordinator_cannot_change_the_lists(client_for, staff, view):
    response = client_for(staff.coordinator).get(reverse(f"admin:diagnostics_sector_{view}"))
    assert response.status_code == 403


def test_national_admin_edits_a_sector_with_history(client_for, staff):
    sector = Sector.objects.get(code="health")
    response = client_for(staff.national).post(
        reverse("admin:diagnostics_sector_change", args=[sector.pk]),
        {
            "code": "health",
            "name_fr": "Santé et bien-être",
            "name_ar": "الصحة والرفاه",
            "order": 30,
            "active": "on",
        },
    )
    assert response.status_code == 302
    sector.refresh_from_db()
    assert sector.name_fr == "Santé et bien-être"
    assert sector.history.first().history_user == staff.national


def test_spreadsheet_import_updates_by_code_in_one_transaction(db):
    import tablib

    data = tablib.Dataset(headers=["code", "name_fr", "name_ar", "order", "active"])
    data.append(["health", "Santé publique", "الصحة العمومية", 30, 1])
    data.append(["culture-new", "Culture", "الثقافة", 120, 1])
    result = SectorResource().import_data(data, dry_run=False)
    assert not result.has_errors()
    assert Sector.objects.get(code="health").name_fr == "Santé publique"
    assert Sector.objects.filter(code="culture-new").exists()
