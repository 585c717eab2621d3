import json

from django.core.management.base import BaseCommand, CommandError

from communes.dossier import full_dossier, write_archive
from communes.models import Commune


class Command(BaseCommand):
    help = (
        "Write a commune's complete data (territory, cycles, steps and their records) as JSON; "
        "with --output X.zip, an archive with its attached files, which import_dossier reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("commune_code")
        parser.add_argument("--indent", type=int, default=2)
        parser.add_argument(
            "--output", help="Write a .zip archive (the dossier and its files) to this path."
        )

    def handle(self, *args, commune_code, indent, output=None, **options):
        try:
            commune = Commune.objects.with_territory().get(code=commune_code)
        except Commune.DoesNotExist as error:
            raise CommandError(f"No commune with the code {commune_code!r}.") from error
        if output:
            with open(output, "wb") as target:
                dossier = write_archive(commune, target)
            rows = sum(len(rows) for _, rows in dossier["tables"])
            self.stderr.write(f"{commune_code}: {rows} records written to {output}.")
            return
        dossier, _ = full_dossier(commune)
        self.stdout.write(json.dumps(dossier, ensure_ascii=False, indent=indent))
