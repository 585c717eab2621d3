from django.db import migrations

from communes.territory import load_reference_territory


def forwards(apps, schema_editor):
    load_reference_territory(
        apps.get_model("communes", "Region"),
        apps.get_model("communes", "Province"),
        apps.get_model("communes", "Commune"),
    )


class Migration(migrations.Migration):
    """The 12 regions, the prefectures and provinces of the two pilot regions, the 7 pilot communes."""

    dependencies = [("communes", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
