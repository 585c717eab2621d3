"""The demo's legal chain and execution hold together (actions/demo_followup.py)."""

import io

from django.core.management import call_command

from actions.models import ActionYear, ActionYearMoney, GovernorVisa, PacAction, PacDeliberation


def test_each_pilot_pac_is_adopted_in_2022_and_updated_in_2024_with_visas(db):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())
    adoptions = PacDeliberation.objects.filter(kind="adoption")
    updates = PacDeliberation.objects.filter(kind="update")
    assert adoptions.count() == updates.count() == 7
    assert {d.date.year for d in adoptions} == {2022}
    # Third year of the PAC 2022-2027, and within PRIM's years (2020-2024).
    assert {d.date.year for d in updates} == {2024}
    for d in [*adoptions, *updates]:
        d.full_clean()  # every fact holds together
        assert GovernorVisa.objects.get(deliberation=d).date > d.date
    # Every PRIM action is added by its commune's update, and followed up in 2024 only.
    added = set(updates.values_list("changes__action", flat=True))
    assert added == set(PacAction.objects.values_list("pk", flat=True))
    assert set(ActionYear.objects.values_list("year", flat=True)) == {2024}
    assert all("fictives" in r.note and "افتراضية" in r.note for r in ActionYear.objects.all())
    for money in ActionYearMoney.objects.select_related("record__action"):
        assert money.paid <= money.committed
    # Committed within the year's planned cost, action by action.
    for record in ActionYear.objects.prefetch_related("money", "action__costs"):
        planned = sum(c.amount for c in record.action.costs.all() if c.year == 2024)
        assert sum(m.committed for m in record.money.all()) <= planned
    # Loading again changes nothing.
    call_command("load_demo", allow_production=True, stdout=io.StringIO())
    assert PacDeliberation.objects.count() == 14
