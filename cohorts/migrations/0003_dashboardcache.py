import django.db.models.deletion
from django.db import migrations, models


def create_rows(apps, schema_editor):
    """One (stale) kept dashboard per existing cohort, so that every change
    from now on has a row to mark."""
    Mentorship = apps.get_model("cohorts", "Mentorship")
    DashboardCache = apps.get_model("cohorts", "DashboardCache")
    ids = Mentorship.objects.values_list("pk", flat=True)
    DashboardCache.objects.bulk_create(
        [DashboardCache(mentorship_id=pk) for pk in ids], ignore_conflicts=True
    )


class Migration(migrations.Migration):

    dependencies = [
        ("cohorts", "0002_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DashboardCache",
            fields=[
                (
                    "mentorship",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="dashboard_cache",
                        serialize=False,
                        to="cohorts.mentorship",
                    ),
                ),
                ("version", models.PositiveIntegerField(default=0)),
                ("computed_at", models.DateTimeField(blank=True, null=True)),
                ("data", models.JSONField(blank=True, default=dict)),
            ],
        ),
        migrations.RunPython(create_rows, migrations.RunPython.noop),
    ]
