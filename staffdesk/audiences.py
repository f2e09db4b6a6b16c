"""The audiences staff can write to, from what the portal knows.

An audience has a key that says what it is and stays meaningful in a saved
mailing (``applicants:12:submitted``, ``late-reviewers:all``, ``mentees:4``),
a name in words, the merge fields it knows (``rules.FIELDS``), and the people
it names now, each with their merge values. Every audience reads its people in
a fixed number of queries, whatever their number.

- ``applicants:<round>:<status>``: the creator and the primary and secondary
  contacts of the round's applications in that status (``all``: every status
  but draft);
- ``late-reviewers:<round or all>``: reviewers with a review past its due date;
- ``open-reviewers:<round or all>``: reviewers with a review not yet submitted;
- ``mentees:<mentorship>``, ``mentors:<mentorship>``: a cohort's active
  mentees, its mentors;
- ``group:<group>``: an affinity group's admitted members;
- ``participants``: every active mentee whose contract runs today;
- ``alumni``: mentees of contracts that have ended.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from affinity.models import Group, GroupMember
from applications.models import Application, Award, Contact, ReviewAssignment, Round
from cohorts.models import CohortMember, Mentorship
from dashmentor.models import Membership, User

from . import rules
from .models import ReviewSchedule

UNFINISHED = (ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS)
REVIEWER_FIELDS = rules.COMMON_FIELDS | {"due_date", "reviews_late", "reviews_open"}
APPLICANT_STATUSES = [
    ("all", gettext_lazy("every status but draft")),
    *Application.Status.choices,
]


@dataclass
class Person:
    """Someone an audience names, with the values of the merge fields."""

    email: str
    name: str
    user: User | None
    values: dict = field(default_factory=dict)
    audience: str = ""


@dataclass(frozen=True)
class Audience:
    key: str
    label: str
    group: str
    fields: frozenset


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args or None)


def _date(value: dt.date | None) -> str:
    return f"{value:%B} {value.day}, {value.year}" if value else ""


# --- what can be chosen ---


def audience_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every audience there is now, grouped for the form: four queries."""
    rounds = list(Round.objects.order_by("-closes_at").only("pk", "name"))
    mentorships = list(
        Mentorship.objects.select_related("round", "mentor_organization")
        .only("pk", "topic", "round__name", "mentor_organization__name")
        .order_by("-round__closes_at", "order", "pk")
    )
    groups = list(
        Group.objects.select_related("cycle")
        .only("pk", "topic", "cycle__name")
        .order_by("-cycle__starts_on", "topic")
    )
    choices = [
        (gettext("Reviewers"), _reviewer_choices(rounds)),
        (gettext("Applicants"), _applicant_choices(rounds)),
        (
            gettext("Cohorts"),
            [
                item
                for m in mentorships
                for item in (
                    (f"mentees:{m.pk}", _mentorship_label(m, "mentees")),
                    (f"mentors:{m.pk}", _mentorship_label(m, "mentors")),
                )
            ],
        ),
        (
            gettext("Affinity groups"),
            [(f"group:{g.pk}", _group_label(g)) for g in groups],
        ),
        (
            gettext("Everyone in the program"),
            [
                (
                    "participants",
                    gettext("All current participants (mentees in their year)"),
                ),
                ("alumni", gettext("Alumni (mentees of past years)")),
            ],
        ),
    ]
    return [(group, items) for group, items in choices if items]


def _reviewer_choices(rounds) -> list[tuple[str, str]]:
    """Reviewers late, and reviewers with reviews to finish: every round, each."""
    return (
        [
            (
                "late-reviewers:all",
                gettext("Reviewers with late reviews, every round"),
            )
        ]
        + [
            (
                f"late-reviewers:{r.pk}",
                gettext("%(round)s: reviewers late") % {"round": r.name},
            )
            for r in rounds
        ]
        + [
            (
                "open-reviewers:all",
                gettext("Reviewers with reviews to finish, every round"),
            )
        ]
        + [
            (
                f"open-reviewers:{r.pk}",
                gettext("%(round)s: reviewers with reviews to finish")
                % {"round": r.name},
            )
            for r in rounds
        ]
    )


def _applicant_choices(rounds) -> list[tuple[str, str]]:
    """Each round's applicants in each status."""
    return [
        (
            f"applicants:{r.pk}:{status}",
            gettext("%(round)s: applicants, %(status)s")
            % {"round": r.name, "status": str(label).lower()},
        )
        for r in rounds
        for status, label in APPLICANT_STATUSES
    ]


def audience_get(key: str) -> Audience | None:
    """The audience of ``key``, or None when the key names nothing there is."""
    kind, _, rest = (key or "").partition(":")
    common = frozenset(rules.COMMON_FIELDS)
    if kind in ("late-reviewers", "open-reviewers"):
        late = kind == "late-reviewers"
        if rest == "all":
            label = (
                gettext("Reviewers late, every round")
                if late
                else gettext("Reviewers with reviews to finish, every round")
            )
        else:
            round_ = _object(Round, rest)
            if round_ is None:
                return None
            label = (
                gettext("%(round)s: reviewers late")
                if late
                else gettext("%(round)s: reviewers with reviews to finish")
            ) % {"round": round_.name}
        return Audience(key, label, gettext("Reviewers"), frozenset(REVIEWER_FIELDS))
    if kind == "applicants":
        round_id, _, status = rest.partition(":")
        statuses = dict(APPLICANT_STATUSES)
        round_ = _object(Round, round_id)
        if round_ is None or status not in statuses:
            return None
        return Audience(
            key,
            gettext("%(round)s: applicants, %(status)s")
            % {"round": round_.name, "status": str(statuses[status]).lower()},
            gettext("Applicants"),
            common | {"due_date"},
        )
    if kind in ("mentees", "mentors"):
        mentorship = _object(Mentorship.objects.select_related("round"), rest)
        if mentorship is None:
            return None
        return Audience(
            key, _mentorship_label(mentorship, kind), gettext("Cohorts"), common
        )
    if kind == "group":
        group = _object(Group.objects.select_related("cycle"), rest)
        if group is None:
            return None
        return Audience(
            key,
            _group_label(group),
            gettext("Affinity groups"),
            common,
        )
    if key == "participants":
        return Audience(
            key, gettext("All current participants"), gettext("Everyone"), common
        )
    if key == "alumni":
        return Audience(key, gettext("Alumni"), gettext("Everyone"), common)
    return None


def _mentorship_label(mentorship, kind: str) -> str:
    words = (
        gettext("%(round)s · %(mentorship)s: mentees")
        if kind == "mentees"
        else gettext("%(round)s · %(mentorship)s: mentors")
    )
    return words % {"round": mentorship.round.name, "mentorship": mentorship}


def _group_label(group) -> str:
    return gettext("%(cycle)s · %(topic)s: members") % {
        "cycle": group.cycle.name,
        "topic": group.topic,
    }


def _object(source, pk: str):
    if not pk.isascii() or not pk.isdigit() or len(pk) > 10:
        return None
    queryset = source.objects.all() if isinstance(source, type) else source
    return queryset.filter(pk=int(pk)).first()


# --- who is in it ---


def audience_people(audience: Audience, *, now=None) -> list[Person]:
    """The people ``audience`` names now, once each by address, in a stable order."""
    now = now or timezone.now()
    kind, _, rest = audience.key.partition(":")
    if kind in ("late-reviewers", "open-reviewers"):
        round_id = None if rest == "all" else int(rest)
        people = reviewers(
            round_id=round_id, late_only=kind == "late-reviewers", now=now
        )
    elif kind == "applicants":
        round_id, _, status = rest.partition(":")
        people = _applicants(int(round_id), status)
    elif kind == "mentees":
        people = _mentees(CohortMember.objects.filter(award__mentorship_id=int(rest)))
    elif kind == "mentors":
        people = _mentors(int(rest))
    elif kind == "group":
        people = _group_members(int(rest))
    elif audience.key == "participants":
        today = timezone.localdate(now)
        people = _mentees(
            CohortMember.objects.filter(
                award__status__in=[Award.Status.ACCEPTED, Award.Status.CONTRACTED],
                award__contract_start__lte=today,
                award__contract_end__gte=today,
            )
        )
    else:  # alumni
        today = timezone.localdate(now)
        people = _mentees(
            CohortMember.objects.filter(
                Q(award__status=Award.Status.ENDED)
                | Q(
                    award__status__in=[Award.Status.ACCEPTED, Award.Status.CONTRACTED],
                    award__contract_end__lt=today,
                )
            ),
            active_only=False,
        )
    for person in people:
        person.audience = audience.label
    return people


def people_for(keys: list[str], *, now=None):
    """The people of several audiences, each address once (the first audience
    that names it gives its values): ``(people, audiences, duplicates)``."""
    found: dict[str, Person] = {}
    audiences = []
    duplicates = 0
    for key in keys:
        audience = audience_get(key)
        if audience is None:
            continue
        audiences.append(audience)
        for person in audience_people(audience, now=now):
            address = person.email.strip().lower()
            if not address:
                continue
            if address in found:
                duplicates += 1
                continue
            found[address] = person
    return list(found.values()), audiences, duplicates


def _org_names(user_ids) -> dict[int, str]:
    names: dict[int, str] = {}
    for user_id, name in (
        Membership.objects.filter(user_id__in=list(user_ids))
        .order_by("created_at", "pk")
        .values_list("user_id", "organization__name")
    ):
        names.setdefault(user_id, name)
    return names


def reviewers(*, round_id: int | None, late_only: bool, now=None) -> list[Person]:
    """Reviewers with unfinished reviews (those late only, when asked), with
    their own due date, and how many are late and open: three queries."""
    now = now or timezone.now()
    schedules = {
        s.round_id: s for s in ReviewSchedule.objects.select_related("round").all()
    }
    assignments = ReviewAssignment.objects.filter(status__in=UNFINISHED).values_list(
        "reviewer_id", "application__round_id"
    )
    if round_id is not None:
        assignments = assignments.filter(application__round_id=round_id)
    per_reviewer: dict[int, list[int]] = defaultdict(list)
    for reviewer_id, rid in assignments:
        per_reviewer[reviewer_id].append(rid)
    values: dict[int, dict] = {}
    for reviewer_id, round_ids in per_reviewer.items():
        dues = [schedules[r] for r in round_ids if r in schedules]
        late = sum(1 for s in dues if s.due_at() <= now)
        if late_only and not late:
            continue
        earliest = min((s.reviews_due_on for s in dues), default=None)
        values[reviewer_id] = {
            "due_date": _date(earliest),
            "due_on": earliest,
            "reviews_late": late,
            "reviews_open": len(round_ids),
        }
    users = User.objects.filter(pk__in=list(values)).order_by("full_name", "pk")
    orgs = _org_names(values)
    link = _url("applications:reviewer-queue")
    return [
        Person(
            email=u.email,
            name=u.full_name,
            user=u,
            values={
                **values[u.pk],
                "first_name": rules.first_name(u.full_name),
                "full_name": u.full_name,
                "organization": orgs.get(u.pk, ""),
                "link": link,
            },
        )
        for u in users
    ]


def _applicants(round_id: int, status: str) -> list[Person]:
    applications = Application.objects.filter(round_id=round_id)
    if status == "all":
        applications = applications.exclude(status=Application.Status.DRAFT)
    else:
        applications = applications.filter(status=status)
    rows = list(
        applications.select_related("created_by", "organization", "round").order_by(
            "pk"
        )
    )
    contacts = defaultdict(list)
    for contact in Contact.objects.filter(
        application__in=[a.pk for a in rows],
        kind__in=[Contact.Kind.PRIMARY, Contact.Kind.SECONDARY],
    ).order_by("application_id", "kind"):
        contacts[contact.application_id].append(contact)
    emails = {c.email.lower() for cs in contacts.values() for c in cs}
    accounts = (
        {u.email.lower(): u for u in User.objects.filter(email__in=list(emails))}
        if emails
        else {}
    )
    link = _url("applications:applicant-home")
    people = []
    for application in rows:
        organization = application.org_name or application.organization.name
        due = (
            _date(application.round.closes_at_local().date())
            if application.status == Application.Status.DRAFT
            else ""
        )
        named = [(application.created_by.email, application.created_by)]
        named += [
            (c.email, accounts.get(c.email.lower()) or c)
            for c in contacts[application.pk]
        ]
        for email, who in named:
            full_name = getattr(who, "full_name", None) or getattr(who, "name", "")
            people.append(
                Person(
                    email=email,
                    name=full_name,
                    user=who if isinstance(who, User) else None,
                    values={
                        "first_name": rules.first_name(full_name),
                        "full_name": full_name,
                        "organization": organization,
                        "due_date": due,
                        "link": link,
                    },
                )
            )
    return people


def _mentees(members, *, active_only: bool = True) -> list[Person]:
    if active_only:
        members = members.filter(active=True)
    link = _url("cohorts:mentee-home")
    rows = members.order_by(
        "award__mentorship_id", "award_id", "role", "name", "pk"
    ).values_list(
        "user_id",
        "user__email",
        "user__full_name",
        "email",
        "name",
        "award__application__org_name",
        "award__application__organization__name",
    )
    users = {}
    user_ids = {row[0] for row in rows if row[0]}
    if user_ids:
        users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    people = []
    for user_id, user_email, user_name, email, name, org_name, org in rows:
        full_name = user_name if user_id else name
        people.append(
            Person(
                email=user_email if user_id else email,
                name=full_name,
                user=users.get(user_id),
                values={
                    "first_name": rules.first_name(full_name),
                    "full_name": full_name,
                    "organization": org_name or org,
                    "link": link,
                },
            )
        )
    return people


def _mentors(mentorship_id: int) -> list[Person]:
    mentorship = Mentorship.objects.select_related("mentor_organization").get(
        pk=mentorship_id
    )
    link = _url("cohorts:mentor-home")
    return [
        Person(
            email=u.email,
            name=u.full_name,
            user=u,
            values={
                "first_name": rules.first_name(u.full_name),
                "full_name": u.full_name,
                "organization": mentorship.mentor_organization.name,
                "link": link,
            },
        )
        for u in mentorship.mentors.order_by("full_name", "pk")
    ]


def _group_members(group_id: int) -> list[Person]:
    members = list(
        GroupMember.objects.filter(
            group_id=group_id, status=GroupMember.Status.ADMITTED, user__isnull=False
        )
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    orgs = _org_names(m.user_id for m in members)
    link = _url("affinity:group-detail", group_id)
    return [
        Person(
            email=m.user.email,
            name=m.user.full_name,
            user=m.user,
            values={
                "first_name": rules.first_name(m.user.full_name),
                "full_name": m.user.full_name,
                "organization": orgs.get(m.user_id, ""),
                "link": link,
            },
        )
        for m in members
    ]
