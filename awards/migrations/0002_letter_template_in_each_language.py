"""A round's letter template gets a column per language.

The templates written so far are English: each is copied into its ``_en``
column and the Spanish is left empty, so that letters show the English until
staff write the Spanish.
"""

from django.db import migrations, models
from django.db.models import F

TRANSLATED = [
    "letter_subject",
    "letter_body",
    "expectations",
    "getting_started",
    "signatory_title",
]


def copy_into_english(apps, schema_editor):
    apps.get_model("awards", "roundterms").objects.update(
        **{f"{field}_en": F(field) for field in TRANSLATED},
        **{f"{field}_es": None for field in TRANSLATED},
    )


def copy_back(apps, schema_editor):
    terms = apps.get_model("awards", "roundterms")
    for field in TRANSLATED:
        terms.objects.filter(**{f"{field}_en__isnull": False}).update(
            **{field: F(f"{field}_en")}
        )


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='roundterms',
            name='expectations_en',
            field=models.TextField(help_text='What the mentee commits to, one expectation a line.', null=True),
        ),
        migrations.AddField(
            model_name='roundterms',
            name='expectations_es',
            field=models.TextField(help_text='What the mentee commits to, one expectation a line.', null=True),
        ),
        migrations.AddField(
            model_name='roundterms',
            name='getting_started_en',
            field=models.TextField(blank=True, help_text='One link a line: a title, a vertical bar, the address (All In profile | https://allin.healthdoers.org/).', null=True, verbose_name='Getting Started links'),
        ),
        migrations.AddField(
            model_name='roundterms',
            name='getting_started_es',
            field=models.TextField(blank=True, help_text='One link a line: a title, a vertical bar, the address (All In profile | https://allin.healthdoers.org/).', null=True, verbose_name='Getting Started links'),
        ),
        migrations.AddField(
            model_name='roundterms',
            name='letter_body_en',
            field=models.TextField(help_text="The letter's text. These words are replaced: {organization}, {amount}, {contract_start}, {contract_end}, {mentorship}, {mentor}, {round}, {report_due}. A blank line starts a new paragraph.", null=True),
        ),
        migrations.AddField(
            model_name='roundterms',
            name='letter_body_es',
            field=models.TextField(help_text="The letter's text. These words are replaced: {organization}, {amount}, {contract_start}, {contract_end}, {mentorship}, {mentor}, {round}, {report_due}. A blank line starts a new paragraph.", null=True),
        ),
        migrations.AddField(
            model_name='roundterms',
            name='letter_subject_en',
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name='roundterms',
            name='letter_subject_es',
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name='roundterms',
            name='signatory_title_en',
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name='roundterms',
            name='signatory_title_es',
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AlterField(
            model_name='roundterms',
            name='letter_subject',
            field=models.CharField(max_length=200),
        ),
        migrations.RunPython(copy_into_english, copy_back),
    ]
