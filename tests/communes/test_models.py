"""Database constraints keep the territory, roles and cycles coherent."""

import pytest
from django.db import IntegrityError, transaction

from communes.models import Commune, Membership, PlanningCycle, Region, Role, StepStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reference_territory_comes_with_the_database():
    assert Region.objects.count() == 12
    assert Region.objects.get(code="09").name_ar == "سوس ماسة"
    oriental = Region.objects.get(code="02")
    assert oriental.provinces.count() == 8
    assert Region.objects.get(code="09").provinces.count() == 6
    pilots = Commune.objects.order_by("code")
    assert list(pilots.values_list("code", flat=True)) == [
        "ait-amira",
        "belfaa",
        "berkane",
        "driouch",
        "nador",
        "oujda",
        "sidi-bibi",
    ]
    oujda = Commune.objects.get(code="oujda")
    assert (oujda.population, oujda.population_year, oujda.kind) == (494252, 2014, "urban")
    assert oujda.province.kind == "prefecture" and oujda.region == oriental


def _fails(**kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(**kwargs)


def test_membership_role_must_match_its_territory(oujda, oriental):
    user = UserFactory()
    _fails(user=user, role=Role.EDITOR, region=oriental)
    _fails(user=user, role=Role.COORDINATOR, commune=oujda)
    _fails(user=user, role=Role.NATIONAL, commune=oujda)
    _fails(user=user, role=Role.EDITOR)


def test_one_role_per_commune(oujda):
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.EDITOR, commune=oujda)
    _fails(user=user, role=Role.VIEWER, commune=oujda)


def test_population_needs_its_year(oujda):
    oujda.population_year = None
    with pytest.raises(IntegrityError), transaction.atomic():
        oujda.save()


def test_cycle_years_are_ordered(oujda):
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanningCycle.objects.create(commune=oujda, start_year=2027, end_year=2022)


def test_step_numbers_are_1_to_5(cycle):
    with pytest.raises(IntegrityError), transaction.atomic():
        StepStatus.objects.create(cycle=cycle, step=6)


def test_history_records_who_changed_what(cycle, editor):
    from communes import services

    status = services.step_mark_in_progress(cycle=cycle, step=3, by=editor)
    assert status.status == StepStatus.Status.IN_PROGRESS
    record = status.history.first()
    assert record.status == "in_progress" and record.changed_by == editor
    assert status.history.count() == 2  # created, then moved


def test_submitted_step_is_locked_for_the_commune(cycle, editor, coordinator):
    from django.core.exceptions import ValidationError

    from communes import services
    from communes.permissions import can_edit_step

    status = cycle.steps.get(step=1)
    StepStatus.objects.filter(pk=status.pk).update(status=StepStatus.Status.SUBMITTED)
    status.refresh_from_db()
    assert not can_edit_step(editor, cycle, status)
    with pytest.raises(ValidationError):
        services.step_review(cycle=cycle, step=1, by=coordinator, validate=False, comment="")
    services.step_review(cycle=cycle, step=1, by=coordinator, validate=False, comment="Complete")
    status.refresh_from_db()
    assert status.status == StepStatus.Status.RETURNED and can_edit_step(editor, cycle, status)
