import importlib

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from dashmentor import demo

# Each app may add demo data in <app>/demo.py with a seed(ctx) function.
DEMO_MODULES = [
    "applications.demo",
    "applications.review.demo",
    "applications.outreach.demo",
    "cohorts.placement.demo",
    "cohorts.year.demo",
    "surveys.demo",
    "affinity.demo",
    "notifications.demo",
    "peers.demo",
]


class Command(BaseCommand):
    help = "Create the demo program (idempotent: running it twice adds nothing)."

    def handle(self, *args, **options):
        ctx = demo.DemoContext(
            password=demo.demo_password(), today=timezone.localdate()
        )
        with transaction.atomic():
            demo.seed_core(ctx)
            for name in DEMO_MODULES:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name != name:
                        raise
                    continue
                module.seed(ctx)
        for line in ctx.log:
            self.stdout.write(line)
        demo.print_accounts(ctx, self.stdout.write)
