"""Withhold partner names wherever a round withholds the organization.

Partner names ("Yakima Police Department") name the applicant's community as
surely as its own name does, so they are now among the default identifying
fields. A round that withholds the organization's name and still shows its
partners' names does not blind, so every such round gets "partners" too;
rounds that withhold nothing, or only other fields, keep what staff chose.
Going back removes "partners" only from the rounds this migration changed
(those that withhold the organization).
"""

from django.db import migrations


def add_partners(apps, schema_editor):
    Round = apps.get_model("applications", "Round")
    for round_ in Round.objects.only("pk", "blind_fields"):
        fields = list(round_.blind_fields or [])
        if "organization" in fields and "partners" not in fields:
            round_.blind_fields = [*fields, "partners"]
            round_.save(update_fields=["blind_fields"])


def remove_partners(apps, schema_editor):
    Round = apps.get_model("applications", "Round")
    for round_ in Round.objects.only("pk", "blind_fields"):
        fields = list(round_.blind_fields or [])
        if "organization" in fields and "partners" in fields:
            round_.blind_fields = [f for f in fields if f != "partners"]
            round_.save(update_fields=["blind_fields"])


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0008_organization_as_submitted_fill"),
    ]

    operations = [
        migrations.RunPython(add_partners, remove_partners),
    ]
