"""Start the numbering counters of PAC actions where their history left them.

Numbers used to be worked out from the history tables; from now on a counter row per
(cycle, kind) keeps the last number given. Starting it at the highest number ever given
(live or deleted) means no past number is given again.
"""

from django.db import migrations
from django.db.models import Max


def start_counters(apps, schema_editor):
    NumberCounter = apps.get_model("communes", "NumberCounter")  # noqa: N806
    PlanningCycle = apps.get_model("communes", "PlanningCycle")  # noqa: N806
    for model_name, kind in (("PacAction", "actions.pacaction"),):
        highest = {}
        for name in (model_name, f"Historical{model_name}"):
            model = apps.get_model("actions", name)
            for row in model.objects.values("cycle_id").annotate(n=Max("number")).order_by():
                highest[row["cycle_id"]] = max(highest.get(row["cycle_id"], 0), row["n"] or 0)
        # The history outlives deleted cycles: only cycles still there get a counter.
        existing = set(PlanningCycle.objects.filter(pk__in=highest).values_list("pk", flat=True))
        for cycle_id in existing:
            last = highest[cycle_id]
            NumberCounter.objects.update_or_create(
                cycle_id=cycle_id, kind=kind, defaults={"last": last}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0008_number_counters"),
        ("actions", "0003_facts_hold_together"),
    ]

    operations = [migrations.RunPython(start_counters, migrations.RunPython.noop)]
