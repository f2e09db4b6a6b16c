"""A similarity keeps its reason as codes and values, told when it is read.

The reasons computed so far are English phrases. Similarities are computed
again for everyone at the next sweep (a few minutes), which writes the codes:
every profile is marked for it. Until then a row shows the phrase it was
written with, kept in ``reason_text``.
"""

from django.db import migrations, models


def compute_again(apps, schema_editor):
    CollaborationProfile = apps.get_model("peers", "CollaborationProfile")
    CollaborationProfile.objects.update(similar_stale=True)


class Migration(migrations.Migration):
    dependencies = [
        ("peers", "0003_verbose_names"),
    ]

    operations = [
        migrations.RenameField(
            model_name="similarity",
            old_name="reason",
            new_name="reason_text",
        ),
        migrations.AlterField(
            model_name="similarity",
            name="reason_text",
            field=models.CharField(
                blank=True, max_length=500, verbose_name="reason as written"
            ),
        ),
        migrations.AddField(
            model_name="similarity",
            name="reason_codes",
            field=models.JSONField(
                blank=True, default=list, verbose_name="reason codes"
            ),
        ),
        migrations.RunPython(compute_again, migrations.RunPython.noop),
    ]
