"""Who may see a cohort and the mentorship year's records.

Staff see everything; a mentor sees its own cohorts (the mentorships it leads);
a mentee sees its own organization's records and its cohort's shared events.
Anything else answers 404, so that existence does not leak.
"""

from django.db.models import Q
from django.http import Http404

from applications.models import Award
from dashmentor.roles import Role, has_role

from .models import CohortMember, Event, Mentorship


def mentorships_visible_to(user):
    qs = Mentorship.objects.all()
    if has_role(user, Role.STAFF):
        return qs
    return qs.filter(
        Q(mentors=user)
        | Q(
            Q(awards__members__user=user, awards__members__active=True),
            ~Q(awards__status=Award.Status.ENDED),
        )
    ).distinct()


def can_see_cohort_contacts(user, mentorship) -> bool:
    """Staff and the cohort's mentors see mentees' contacts and award status.

    Mentees see which organizations are their cohort peers, not their contacts.
    """
    if has_role(user, Role.STAFF):
        return True
    return mentorship.mentors.filter(pk=user.pk).exists()


def get_mentorship_for_user(user, pk) -> Mentorship:
    try:
        return (
            mentorships_visible_to(user)
            .select_related("mentor_organization", "round")
            .get(pk=pk)
        )
    except Mentorship.DoesNotExist:
        raise Http404("No such cohort.")


def is_mentor_of(user, mentorship) -> bool:
    """Whether ``user`` is one of the mentors of ``mentorship``."""
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_led_mentorship_ids", None)
    if cache is None:
        cache = set(user.mentorships_led.values_list("pk", flat=True))
        user._led_mentorship_ids = cache
    return mentorship.pk in cache


def is_mentee_of(user, award) -> bool:
    """Whether ``user`` is an active member of the awarded organization."""
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_mentee_award_ids", None)
    if cache is None:
        # An ended award's people are alumni: the cohort's pages are closed
        # to them (the peer network is theirs instead).
        cache = set(
            CohortMember.objects.filter(user=user, active=True)
            .exclude(award__status=Award.Status.ENDED)
            .values_list("award_id", flat=True)
        )
        user._mentee_award_ids = cache
    return award.pk in cache


def awards_visible_to(user):
    """The awards whose year records ``user`` may read."""
    qs = Award.objects.filter(status__in=Award.ACTIVE)
    if has_role(user, Role.STAFF):
        return qs
    return qs.filter(
        Q(mentorship__mentors=user)
        | Q(
            Q(members__user=user, members__active=True),
            ~Q(status=Award.Status.ENDED),
        )
    ).distinct()


def get_award_for_user(user, pk) -> Award:
    """The award ``pk`` if ``user`` may read its year records, else 404."""
    try:
        return (
            awards_visible_to(user)
            .select_related(
                "application__organization",
                "mentorship__mentor_organization",
                "mentorship__round",
            )
            .get(pk=pk)
        )
    except Award.DoesNotExist:
        raise Http404("No such mentee organization.")


def can_edit_workplan(user, award) -> bool:
    """The mentee organization's people (and staff) edit its plan and goal."""
    return is_mentee_of(user, award) or has_role(user, Role.STAFF)


def can_review_workplan(user, award) -> bool:
    """The cohort's mentors review a plan; staff may too."""
    return is_mentor_of(user, award.mentorship) or has_role(user, Role.STAFF)


def can_manage_events(user, mentorship) -> bool:
    """The cohort's mentors and staff schedule events and record attendance."""
    return is_mentor_of(user, mentorship) or has_role(user, Role.STAFF)


def can_mentor(user, award) -> bool:
    """Mentor's actions on a mentee (notes, comments): its mentors and staff."""
    return can_review_workplan(user, award)


def events_visible_to(user):
    """Cohort events of the user's cohorts, and the check-ins it takes part in."""
    qs = Event.objects.all()
    if has_role(user, Role.STAFF):
        return qs
    mentee_awards = (
        CohortMember.objects.filter(user=user, active=True)
        .exclude(award__status=Award.Status.ENDED)
        .values("award_id")
    )
    return qs.filter(
        Q(mentorship__mentors=user)
        | Q(award__isnull=True, mentorship__awards__in=mentee_awards)
        | Q(award__in=mentee_awards)
    ).distinct()


def get_event_for_user(user, pk) -> Event:
    try:
        return (
            events_visible_to(user)
            .select_related(
                "mentorship__round",
                "mentorship__mentor_organization",
                "award__application__organization",
            )
            .get(pk=pk)
        )
    except Event.DoesNotExist:
        raise Http404("No such event.")


def get_managed_mentorship(user, pk) -> Mentorship:
    """A cohort whose events ``user`` manages; 404 for any other."""
    mentorship = get_mentorship_for_user(user, pk)
    if not can_manage_events(user, mentorship):
        raise Http404("No such cohort.")
    return mentorship
