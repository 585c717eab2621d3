import json

from django.core.management.base import BaseCommand, CommandError

from communes.dossier import build_dossier
from communes.models import Commune


class Command(BaseCommand):
    help = "Write a commune's complete data (territory, cycles, steps and their records) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("commune_code")
        parser.add_argument("--indent", type=int, default=2)

    def handle(self, *args, commune_code, indent, **options):
        try:
            commune = Commune.objects.with_territory().get(code=commune_code)
        except Commune.DoesNotExist as error:
            raise CommandError(f"No commune with the code {commune_code!r}.") from error
        self.stdout.write(json.dumps(build_dossier(commune), ensure_ascii=False, indent=indent))
