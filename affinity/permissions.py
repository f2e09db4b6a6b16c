"""Who may do what with a group: staff run every group, leaders and support
staff run theirs, admitted members read the meeting notes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from .models import Group, GroupMember, Meeting

NOT_A_GROUP_MANAGER = _(
    "Only the group's leaders, its support staff and program staff."
)


def is_leader_or_support(user, group: Group) -> bool:
    if not user.is_authenticated:
        return False
    return (
        group.leaders.filter(pk=user.pk).exists()
        or group.support_staff.filter(pk=user.pk).exists()
    )


def can_manage_group(user, group: Group) -> bool:
    """Roster, meetings, notes, attendance, check-ins and e-mails."""
    if not user.is_authenticated:
        return False
    return user.is_staff or is_leader_or_support(user, group)


def can_run_drawing(user, group: Group) -> bool:
    """The program office runs the gift-card drawing (it hands out the cards)."""
    return user.is_authenticated and user.is_staff


def can_create_surveys(user, group: Group) -> bool:
    return user.is_authenticated and user.is_staff


def is_admitted_member(user, group: Group) -> bool:
    if not user.is_authenticated:
        return False
    return GroupMember.objects.filter(
        group=group, user=user, status=GroupMember.Status.ADMITTED
    ).exists()


def can_read_notes(user, group: Group) -> bool:
    """Admitted members read the notes and the meeting link; so do managers."""
    return can_manage_group(user, group) or is_admitted_member(user, group)


def get_group_for_manager(user, pk: int) -> Group:
    """The group, if ``user`` runs it: 404 when missing, 403 when not theirs."""
    group = get_object_or_404(Group.objects.select_related("cycle"), pk=pk)
    if not can_manage_group(user, group):
        raise PermissionDenied(NOT_A_GROUP_MANAGER)
    return group


def get_meeting_of_group(group: Group, meeting_pk: int) -> Meeting:
    """A meeting of this group only: another group's meeting id is a 404."""
    return get_object_or_404(
        Meeting.objects.select_related("group__cycle", "notes_updated_by"),
        pk=meeting_pk,
        group=group,
    )
