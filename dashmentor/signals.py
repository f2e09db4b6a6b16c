"""Drop a user's cached roles (dashmentor/roles.py) when a row they come from changes.

The apps name the rows their roles come from (``follow_person_rows``,
``follow_people``, ``follow_deletion``, called from each ``AppConfig.ready()``).
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


def follow_person_rows(model) -> None:
    """Drop the cached roles of the person a row of ``model`` (with a ``user``)
    names, whenever the row is saved or deleted."""
    uid = f"roles-{model._meta.label}"
    post_init.connect(_remember, sender=model, dispatch_uid=uid)
    post_save.connect(_person_row_saved, sender=model, dispatch_uid=uid)
    post_delete.connect(_person_row_deleted, sender=model, dispatch_uid=uid)


def follow_people(model, attr: str) -> None:
    """Drop the cached roles of the people added to or removed from the
    many-to-many field ``attr`` of ``model``."""
    through = getattr(model, attr).through
    m2m_changed.connect(
        _people_changed(attr),
        sender=through,
        weak=False,  # the receiver is made here: nothing else holds it
        dispatch_uid=f"roles-{model._meta.label}-{attr}",
    )


def follow_deletion(model, people) -> None:
    """Before a row of ``model`` goes, drop the cached roles of ``people(row)``
    (read while they can be: the link rows go without a signal of their own)."""

    def receiver(sender, instance, **kwargs) -> None:
        roles_changed(people(instance))

    pre_delete.connect(
        receiver,
        sender=model,
        weak=False,  # the receiver is made here: nothing else holds it
        dispatch_uid=f"roles-delete-{model._meta.label}",
    )


def connect() -> None:
    """Follow the core's own rows; each app follows its own from its
    ``AppConfig.ready()`` with the three functions above."""
    from .models import Membership

    follow_person_rows(Membership)
