"""Move the members a check-in note names in its free text into its list of
who took part, and keep the call's attendance consistent with it.

Until now a note's attendees were free text. Each name (or e-mail) in it that
is one of the organization's cohort members becomes a ticked member of the
note; the other names stay in the text ("others on the call"). The rule the
portal now keeps applies to what the mentor wrote: a member named in the note
of a scheduled call with no attendance mark took part in it, so a present mark
is recorded by the note's author. A mark already recorded is never changed
here: a member recorded absent or excused at that call stays so, and the name
stays in the note's text rather than among its ticked members, for the mentor
to settle.
"""

import re

from django.db import migrations
from django.utils import timezone

SEPARATORS = re.compile(r"[,;\n]+|\s+and\s+|\s*&\s*", re.IGNORECASE)


def key(text):
    return " ".join((text or "").casefold().split())


def forwards(apps, schema_editor):
    CheckInNote = apps.get_model("cohorts", "CheckInNote")
    CohortMember = apps.get_model("cohorts", "CohortMember")
    Attendance = apps.get_model("cohorts", "Attendance")
    now = timezone.now()
    for note in CheckInNote.objects.exclude(attendees="").iterator():
        by_key = {}
        for member in CohortMember.objects.filter(award_id=note.award_id):
            by_key.setdefault(key(member.name), member)
            by_key.setdefault(key(member.email), member)
        marks = {}
        if note.event_id is not None:
            marks = dict(
                Attendance.objects.filter(event_id=note.event_id).values_list(
                    "member_id", "status"
                )
            )
        found, others = [], []
        for name in (p.strip() for p in SEPARATORS.split(note.attendees)):
            if not name:
                continue
            member = by_key.get(key(name))
            if member is None or marks.get(member.pk, "present") != "present":
                others.append(name)
            elif member not in found:
                found.append(member)
        if not found:
            continue
        note.members.add(*found)
        note.attendees = ", ".join(others)
        note.save(update_fields=["attendees"])
        if note.event_id is None:
            continue
        for member in found:
            if member.pk not in marks:
                Attendance.objects.create(
                    event_id=note.event_id,
                    member_id=member.pk,
                    status="present",
                    recorded_by_id=note.author_id,
                    recorded_at=now,
                )


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0004_checkinnote_members")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
