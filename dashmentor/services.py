"""Writes shared by every app: the audit log, a user's language."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import AuditEvent

# Parts of the portal that act on audited changes (the webhooks of api/)
# register here: the core names no leaf app. Each observer runs inside the
# transaction that records the change, so what it writes commits or rolls
# back with the change itself.
_observers: list[tuple[frozenset[str], Callable[[AuditEvent], None]]] = []


def audit_observe(actions: Iterable[str], observer: Callable[[AuditEvent], None]):
    """Call ``observer(event)`` for every audit row of one of ``actions``."""
    entry = (frozenset(actions), observer)
    if entry not in _observers:
        _observers.append(entry)


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEvent:
    """Record who did what to which record, with the values before and after.

    The observers registered for ``action`` (``audit_observe``) run after the
    row is written, in the caller's transaction.
    """
    event = AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target else None,
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:255] if target is not None else "",
        before=before or {},
        after=after or {},
        note=note,
    )
    for actions, observer in _observers:
        if action in actions:
            observer(event)
    return event


def audit_trail(target: models.Model):
    """The audit rows of one record, newest first, with their actors."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
    ).select_related("actor")


@transaction.atomic
def user_language_set(*, user, language: str):
    """Keep ``language`` as the user's (pages and e-mails); the same twice
    writes nothing."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
