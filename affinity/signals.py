"""The affinity report is rendered once and kept (Django cache) for a few
minutes; any change to what it reads moves the version in its cache key, so the
next view renders it again. The page says the time it is "as of"."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from .models import Cycle, Group, GroupMember, Meeting, MeetingAttendance

# Kept at most this long: exit-survey answers and organizations (read by the
# report too) change without a signal here.
REPORT_SECONDS = 300
VERSION_KEY = "affinity:report-version"


def report_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def _changed(sender, **kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def connect() -> None:
    for model in (Cycle, Group, GroupMember, Meeting, MeetingAttendance):
        post_save.connect(_changed, sender=model, dispatch_uid=f"report-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"report-d-{model}")
