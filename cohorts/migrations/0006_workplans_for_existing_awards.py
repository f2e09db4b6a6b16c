"""Give every award its work plan, as awards now get one when they are made.

Pages used to create the plan the first time someone opened them (a GET that
wrote); they only read now. An award made before has its draft plan here, due
a month into its contract, as the pages would have made it. Running it again
changes nothing.
"""

import datetime as dt

from django.db import migrations

DUE_DAYS = 30


def forwards(apps, schema_editor):
    Award = apps.get_model("applications", "Award")
    WorkPlan = apps.get_model("cohorts", "WorkPlan")
    missing = Award.objects.filter(workplan__isnull=True).only("pk", "contract_start")
    WorkPlan.objects.bulk_create(
        (
            WorkPlan(
                award_id=award.pk,
                status="draft",
                due_on=award.contract_start + dt.timedelta(days=DUE_DAYS),
            )
            for award in missing.iterator()
        ),
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0005_checkinnote_members_from_text"),
        ("applications", "0006_round_totals_status"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
