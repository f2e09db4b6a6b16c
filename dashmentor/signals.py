"""Drop a user's cached roles (dashmentor/roles.py) when a row they come from changes.

A role comes from a membership of a mentor or applicant organization, an active
cohort membership, leading a mentorship, or taking part in an affinity group (a
membership, or leading or supporting one). Every save and delete of those rows,
from a service, the admin or an import, goes through here. A row whose person
changes (the admin can move a membership to someone else) drops the cached roles
of both people: the person a row was loaded with is kept when it is loaded.

An organization's kind, which its members' roles also read, changes only in the
admin (``OrganizationAdmin.save_model``): following every organization loaded
would cost each page that lists applications with theirs.
"""

from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
)

from .roles import roles_changed


def _remember(sender, instance, **kwargs) -> None:
    # Only what the row was loaded with: reading a deferred field would query.
    if "user_id" in instance.__dict__:
        instance._loaded_user_id = instance.__dict__["user_id"]


def _person_row_saved(sender, instance, **kwargs) -> None:
    roles_changed([instance.user_id, getattr(instance, "_loaded_user_id", None)])
    instance._loaded_user_id = instance.user_id


def _person_row_deleted(sender, instance, **kwargs) -> None:
    roles_changed([instance.user_id, getattr(instance, "_loaded_user_id", None)])


def _people_changed(attr: str):
    """A receiver for a many-to-many field to people (``attr`` on the row)."""

    def receiver(sender, instance, action, reverse, pk_set, **kwargs) -> None:
        if reverse:  # user.mentorships_led.add(...): the instance is the person
            if action in ("post_add", "post_remove", "post_clear"):
                roles_changed([instance.pk])
        elif action in ("post_add", "post_remove"):
            roles_changed(pk_set or ())
        elif action == "pre_clear":
            roles_changed(getattr(instance, attr).values_list("pk", flat=True))

    return receiver


_mentors_changed = _people_changed("mentors")
_leaders_changed = _people_changed("leaders")
_support_changed = _people_changed("support_staff")


def _mentorship_deleted(sender, instance, **kwargs) -> None:
    # Before the delete, while the mentors can still be read; the rows of the
    # link table go without a signal of their own.
    roles_changed(instance.mentors.values_list("pk", flat=True))


def _group_deleted(sender, instance, **kwargs) -> None:
    # As a mentorship's: its leaders, support staff and members, read first.
    roles_changed(
        [
            *instance.leaders.values_list("pk", flat=True),
            *instance.support_staff.values_list("pk", flat=True),
            *instance.members.values_list("user_id", flat=True),
        ]
    )


def connect() -> None:
    from affinity.models import Group, GroupMember
    from cohorts.models import CohortMember, Mentorship

    from .models import Membership

    for model in (Membership, CohortMember, GroupMember):
        uid = f"roles-{model._meta.label}"
        post_init.connect(_remember, sender=model, dispatch_uid=uid)
        post_save.connect(_person_row_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_person_row_deleted, sender=model, dispatch_uid=uid)
    m2m_changed.connect(
        _mentors_changed, sender=Mentorship.mentors.through, dispatch_uid="roles-m2m"
    )
    pre_delete.connect(
        _mentorship_deleted, sender=Mentorship, dispatch_uid="roles-mentorship"
    )
    m2m_changed.connect(
        _leaders_changed, sender=Group.leaders.through, dispatch_uid="roles-leaders"
    )
    m2m_changed.connect(
        _support_changed,
        sender=Group.support_staff.through,
        dispatch_uid="roles-support",
    )
    pre_delete.connect(_group_deleted, sender=Group, dispatch_uid="roles-group")
