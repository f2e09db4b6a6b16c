"""Fill the copy of the organization of applications submitted before.

What an application was submitted with is now copied at submission. For the
applications submitted before, the best record of it is the profile as it is
now (the copy fixes it from here on; edits made between their submission and
this migration cannot be told apart). Drafts get no copy: they show the
profile until they are submitted. Running it again changes nothing.
"""

from django.db import migrations
from django.utils import timezone

FIELDS = {
    "name": "org_name",
    "org_type": "org_type",
    "sector": "org_sector",
    "ein": "org_ein",
    "address_line1": "org_address_line1",
    "address_line2": "org_address_line2",
    "city": "org_city",
    "postal_code": "org_postal_code",
    "country": "org_country",
    "website": "org_website",
}


def forwards(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    now = timezone.now()
    pending = Application.objects.exclude(status="draft").filter(
        org_snapshot_at__isnull=True
    )
    for application in pending.select_related("organization").iterator():
        organization = application.organization
        for source, target in FIELDS.items():
            setattr(application, target, getattr(organization, source))
        # The state was already copied at submission; keep it where it was.
        application.state = application.state or organization.state
        application.org_snapshot_at = (
            application.submitted_at or application.first_submitted_at or now
        )
        application.save(update_fields=[*FIELDS.values(), "state", "org_snapshot_at"])


class Migration(migrations.Migration):
    dependencies = [("applications", "0007_application_organization_as_submitted")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
