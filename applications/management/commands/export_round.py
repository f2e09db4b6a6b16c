import json

from django.core.management.base import BaseCommand, CommandError

from applications.models import Round
from applications.transfer import round_export


class Command(BaseCommand):
    help = "Write a round and everything staff own in it as JSON (to a file or stdout)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The round's slug.")
        parser.add_argument("-o", "--output", help="File to write (default stdout).")

    def handle(self, *args, slug, output=None, **options):
        round_ = Round.objects.filter(slug=slug).first()
        if round_ is None:
            raise CommandError(f"No round with the slug “{slug}”.")
        text = json.dumps(round_export(round_=round_), indent=1, default=str)
        if output:
            with open(output, "w") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text)
