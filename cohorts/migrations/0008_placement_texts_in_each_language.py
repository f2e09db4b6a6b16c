"""A placement's sentences get a column per language.

From now on the portal writes each explanation and each run's summary in
every language. The ones written before were written once, in the language of
whoever computed or moved; which one is not recorded, so they are kept as
they were in the English column, which every language falls back to: each
reader still reads them as before.
"""

from django.db import migrations, models
from django.db.models import F

TRANSLATED = {"placemententry": "explanation", "placementrun": "objective_text"}


def keep_as_written(apps, schema_editor):
    for model_name, field in TRANSLATED.items():
        apps.get_model("cohorts", model_name).objects.update(
            **{f"{field}_en": F(field), f"{field}_es": None}
        )


def copy_back(apps, schema_editor):
    for model_name, field in TRANSLATED.items():
        apps.get_model("cohorts", model_name).objects.filter(
            **{f"{field}_en__isnull": False}
        ).update(**{field: F(f"{field}_en")})


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0007_translations"),
    ]

    operations = [
        migrations.AddField(
            model_name="placemententry",
            name="explanation_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="placemententry",
            name="explanation_es",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="placementrun",
            name="objective_text_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="placementrun",
            name="objective_text_es",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.RunPython(keep_as_written, copy_back),
    ]
