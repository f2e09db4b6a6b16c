"""Reads of the outbox that views share."""

from django.db.models import Q

from .models import Message, Preference


def message_list_for_user(*, user):
    """The messages sent to ``user``, by account or by address, newest first."""
    return Message.objects.filter(
        Q(recipient=user) | Q(to_email__iexact=user.email)
    ).order_by("-created_at", "-id")


def preferences_for_user(*, user) -> dict[str, bool]:
    """Kind → enabled, for the kinds the user has an opinion about."""
    return dict(Preference.objects.filter(user=user).values_list("kind", "enabled"))
