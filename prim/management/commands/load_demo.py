import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app owns its demo data; they load lowest layer first.
DEMO_MODULES = [
    "communes.demo",
    "diagnostics.demo",
    "actions.demo",
    "actions.demo_followup",
    "prim.demo_report",
]


class Command(BaseCommand):
    help = "Load the demo accounts and records of the seven pilot communes (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even with DEBUG off. Demo accounts share a published password.",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Demo accounts have a published password: refusing with DEBUG off "
                "(pass --allow-production on a throw-away server only)."
            )
        from communes.demo import DEMO_PASSWORD

        accounts = []
        with transaction.atomic():
            for name in DEMO_MODULES:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as error:
                    if error.name != name:
                        raise
                    continue
                accounts.extend(module.load() or [])
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD} - demo only):")
        width = max(len(username) for username, _role, _where in accounts)
        for username, role, where in accounts:
            self.stdout.write(f"  {username.ljust(width)}  {role}, {where}")
