from django.core.management.base import BaseCommand

from surveys import services
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Seal anonymous survey data again under SURVEY_SEAL_KEY, after a key "
        "rotation, so that the keys in SURVEY_SEAL_OLD_KEYS can be dropped."
    )

    def handle(self, *args, **options):
        resealed = unreadable = 0
        for survey in Survey.objects.filter(anonymous=True).order_by("pk"):
            done = services.survey_reseal(survey=survey)
            resealed += done["resealed"]
            unreadable += done["unreadable"]
        self.stdout.write(
            f"Sealed again under the current key: {resealed}. "
            f"Opened by no configured key: {unreadable}."
        )
        if unreadable:
            self.stdout.write(
                "Those stay as they are: a waiting response among them is kept "
                "apart at its release, and a released response keeps its answers "
                "but not its cohort."
            )
        else:
            self.stdout.write("Nothing is left under an old key: old keys can go.")
