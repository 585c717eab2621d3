from django.db import migrations


def seed(apps, schema_editor):
    from diagnostics.reference import load_reference_lists

    load_reference_lists(apps.get_model("diagnostics", "Sector"), apps.get_model("diagnostics", "TargetGroup"))


class Migration(migrations.Migration):
    dependencies = [("diagnostics", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
