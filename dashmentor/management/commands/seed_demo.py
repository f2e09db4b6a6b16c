from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from dashmentor import demo


class Command(BaseCommand):
    help = "Create the demo program (idempotent: running it twice adds nothing)."

    def handle(self, *args, **options):
        ctx = demo.DemoContext(
            password=demo.demo_password(), today=timezone.localdate()
        )
        with transaction.atomic():
            demo.seed_core(ctx)
            demo.seed_apps(ctx)
        for line in ctx.log:
            self.stdout.write(line)
        demo.print_accounts(ctx, self.stdout.write)
