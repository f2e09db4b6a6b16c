import logging
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from dashmentor import demo


class Command(BaseCommand):
    help = "Create the demo program (idempotent: running it twice adds nothing)."

    def handle(self, *args, **options):
        ctx = demo.DemoContext(
            password=demo.demo_password(), today=timezone.localdate()
        )
        with _quiet_mail() as mail_dir, transaction.atomic():
            demo.seed_core(ctx)
            demo.seed_apps(ctx)
        self.stdout.write("The demo program:")
        for line in ctx.log:
            self.stdout.write(f"  {line}")
        if mail_dir:
            self.stdout.write(
                f"The e-mails the demo queued are in the outbox (admin) and in "
                f"{mail_dir.relative_to(settings.BASE_DIR)}/."
            )
        demo.print_accounts(ctx, self.stdout.write)


CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
MAIL_DIR = Path(settings.BASE_DIR) / ".demo-mail"


@contextmanager
def _quiet_mail():
    """Keep the e-mails the seed sends (in process, without a broker) out of
    its output: with the console backend they go to files in ``.demo-mail/``;
    the task log is kept to warnings."""
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    trace.setLevel(logging.WARNING)
    try:
        if settings.EMAIL_BACKEND != CONSOLE_BACKEND:
            yield None
            return
        MAIL_DIR.mkdir(exist_ok=True)
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(MAIL_DIR),
        ):
            yield MAIL_DIR
    finally:
        trace.setLevel(level)
