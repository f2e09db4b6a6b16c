"""Record the answers released before releases were recorded as release 1.

Cohorts that a report would hide (``rules.suppress_cells``) are hidden from
then on, as a release does now. Completion records are marked as released in
it only when nothing of the survey waits (otherwise the next release that
covers their cohort marks them).
"""

from collections import Counter

from django.db import migrations
from django.utils import timezone


def record(apps, schema_editor):
    from surveys import rules, sealing

    Survey = apps.get_model("surveys", "Survey")
    Response = apps.get_model("surveys", "Response")
    PendingResponse = apps.get_model("surveys", "PendingResponse")
    Invitation = apps.get_model("surveys", "Invitation")
    Release = apps.get_model("surveys", "Release")
    for survey in Survey.objects.filter(anonymous=True):
        if Release.objects.filter(survey=survey).exists():
            continue
        sealed = list(
            Response.objects.filter(survey=survey).values_list(
                "segment_sealed", flat=True
            )
        )
        if not sealed:
            continue
        counts = Counter()
        for token in sealed:
            if not token:
                continue
            try:
                counts[sealing.unseal(survey.pk, token)] += 1
            except ValueError:
                continue
        hidden = rules.suppress_cells(counts, survey.min_group_size).hidden
        Release.objects.create(
            survey=survey,
            number=1,
            released_at=timezone.now(),
            answers=len(sealed),
            hidden_cohorts=sorted(hidden),
        )
        if not PendingResponse.objects.filter(survey=survey).exists():
            Invitation.objects.filter(
                survey=survey, completed_on__isnull=False
            ).update(released_in=1)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_release_groups")]

    operations = [migrations.RunPython(record, migrations.RunPython.noop)]
