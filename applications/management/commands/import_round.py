import json

from django.core.management.base import BaseCommand, CommandError

from applications.transfer import round_import


class Command(BaseCommand):
    help = "Load a round written by export_round into this database."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The JSON file written by export_round.")

    def handle(self, *args, path, **options):
        try:
            with open(path) as handle:
                data = json.load(handle)
            written = round_import(data=data)
        except (OSError, json.JSONDecodeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Imported round “{data['round']}”: {written} rows.")
