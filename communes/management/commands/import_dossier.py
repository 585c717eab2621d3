from django.core.management.base import BaseCommand, CommandError

from communes.dossier import DossierRefused, import_dossier, read_archive


class Command(BaseCommand):
    help = (
        "Restore a commune from what export_dossier wrote (the .zip with its files, or the "
        "JSON when it has no attachment): all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The dossier: a .zip from export_dossier --output.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace the commune's data here (its PAC periods and records) by the dossier's.",
        )

    def handle(self, *args, path, replace=False, **options):
        try:
            dossier, files = read_archive(path)
            result = import_dossier(dossier, files, replace=replace)
        except FileNotFoundError as error:
            raise CommandError(f"No file at {path}.") from error
        except DossierRefused as error:
            raise CommandError(str(error)) from error
        verb = "replaced" if result.replaced else "imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.commune.code}: {result.rows} records and {result.files} files {verb}."
            )
        )
