"""Each step already under way gets one event from its current state, so threads start
with what is known: the last move, who made it, when, and its comment (the state it came
from is unknown and left blank)."""

from django.db import migrations

ACTION_OF_STATE = {
    "in_progress": "start",
    "submitted": "submit",
    "validated": "validate",
    "returned": "return",
}


def backfill(apps, schema_editor):
    StepStatus = apps.get_model("communes", "StepStatus")
    StepEvent = apps.get_model("communes", "StepEvent")
    batch = []
    statuses = StepStatus.objects.filter(status__in=ACTION_OF_STATE).order_by("pk")
    for status in statuses.iterator(chunk_size=2000):
        batch.append(
            StepEvent(
                cycle_id=status.cycle_id,
                step=status.step,
                action=ACTION_OF_STATE[status.status],
                from_status="",
                to_status=status.status,
                by_id=status.changed_by_id,
                at=status.changed_at or status.updated_at,
                comment=status.comment,
            )
        )
        if len(batch) >= 2000:
            StepEvent.objects.bulk_create(batch)
            batch = []
    StepEvent.objects.bulk_create(batch)


def forget(apps, schema_editor):
    apps.get_model("communes", "StepEvent").objects.filter(from_status="").delete()


class Migration(migrations.Migration):
    dependencies = [("communes", "0004_step_events")]

    operations = [migrations.RunPython(backfill, forget)]
