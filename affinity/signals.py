"""The affinity report is rendered once and kept (Django cache) for a few
minutes; any change to what it reads moves the version in its cache key, so the
next view renders it again (``dashmentor/kept.py``, the portal's one scheme for
kept results). The page says the time it is "as of"."""

from django.db.models.signals import post_delete, post_save

from dashmentor import kept

from .models import Cycle, Group, GroupMember, Meeting, MeetingAttendance

# Kept at most this long: exit-survey answers and organizations (read by the
# report too) change without a signal here.
REPORT_SECONDS = 300
VERSION_KEY = "affinity:report-version"


def report_version() -> int:
    return kept.cache_version(VERSION_KEY)


def _changed(sender, **kwargs) -> None:
    kept.cache_version_bump(VERSION_KEY)


def connect() -> None:
    for model in (Cycle, Group, GroupMember, Meeting, MeetingAttendance):
        post_save.connect(_changed, sender=model, dispatch_uid=f"report-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"report-d-{model}")
