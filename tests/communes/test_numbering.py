"""Per-cycle numbering from a counter (``communes.numbering``), not from the history tables."""

import pytest
from django.db import transaction

from communes.numbering import NumberCounter, next_number
from diagnostics.models import Finding, ProjectIdea, Sector
from tests.factories import open_cycle


def _finding(cycle, title="Need"):
    return Finding.objects.create(
        cycle=cycle, title=title, sector=Sector.objects.first(), severity=2
    )


@pytest.mark.django_db
def test_a_deleted_number_is_never_given_again_even_with_the_history_pruned(cycle):
    first, last = _finding(cycle, "one"), _finding(cycle, "two")
    assert (first.code, last.code) == ("F-01", "F-02")

    last.delete()
    Finding.history.all().delete()  # pruning the history used to bring F-02 back

    again = _finding(cycle, "three")
    assert again.code == "F-03"
    assert NumberCounter.objects.get(cycle=cycle, kind="diagnostics.finding").last == 3


@pytest.mark.django_db
def test_kinds_and_cycles_keep_their_own_counters(cycle, sidi_bibi):
    _finding(cycle)
    _finding(cycle)
    other = open_cycle(sidi_bibi, 2022)
    with transaction.atomic():
        assert next_number(ProjectIdea, cycle) == 1
        assert next_number(Finding, other) == 1
        assert next_number(Finding, cycle) == 3


@pytest.mark.django_db
def test_a_number_written_by_hand_is_never_given_again(cycle):
    """Demo data and imports write numbers themselves: they raise the counter."""
    imported = Finding.objects.create(
        cycle=cycle, number=7, title="imported", sector=Sector.objects.first(), severity=1
    )
    imported.delete()
    assert _finding(cycle).number == 8


@pytest.mark.django_db
def test_an_existing_record_keeps_its_number(cycle):
    finding = _finding(cycle)
    finding.title = "edited"
    finding.save()
    assert finding.number == 1
    assert NumberCounter.objects.get(cycle=cycle, kind="diagnostics.finding").last == 1


@pytest.mark.django_db
def test_the_migration_starts_each_counter_at_the_highest_number_ever_given(cycle):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("diagnostics.migrations.0003_number_counters_from_history")
    sector = Sector.objects.first()
    for n in (1, 2, 3):
        Finding.objects.create(cycle=cycle, number=n, title=f"n{n}", sector=sector, severity=1)
    Finding.objects.get(number=3).delete()  # only the history remembers F-03
    NumberCounter.objects.all().delete()  # as before the counters existed

    migration.start_counters(apps, None)

    assert NumberCounter.objects.get(cycle=cycle, kind="diagnostics.finding").last == 3
    assert not NumberCounter.objects.filter(kind="diagnostics.projectidea").exists()
