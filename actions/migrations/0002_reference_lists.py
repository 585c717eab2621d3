from django.db import migrations


def seed(apps, schema_editor):
    from actions.reference import load_reference_lists

    load_reference_lists(
        apps.get_model("actions", "SniaProgramme"), apps.get_model("actions", "SnmreObjective")
    )


class Migration(migrations.Migration):
    dependencies = [("actions", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
