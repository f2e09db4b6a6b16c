"""Reads the affinity pages share, each in a fixed number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from cohorts.models import CohortMember
from dashmentor.choices import Sector
from dashmentor.models import Membership, Organization, User
from surveys.models import Answer, Choice, Invitation, Survey

from . import rules
from .models import Cycle, Group, GroupMember, Meeting, MeetingAttendance

UNKNOWN = _("Unknown")


# --- Cycles and groups --------------------------------------------------------------


def cycle_list() -> list[Cycle]:
    return list(Cycle.objects.order_by("-starts_on"))


def cycle_get(cycles: list[Cycle], cycle_id) -> Cycle | None:
    """The cycle asked for, or the latest one."""
    for cycle in cycles:
        if str(cycle.pk) == str(cycle_id):
            return cycle
    return cycles[0] if cycles else None


def _admitted_count():
    return Count("members", filter=Q(members__status=GroupMember.Status.ADMITTED))


def group_list(*, cycle: Cycle | None, user) -> list[Group]:
    """The cycle's groups with member counts, leaders and the viewer's status."""
    if cycle is None:
        return []
    groups = list(
        Group.objects.filter(cycle=cycle)
        .select_related("cycle")
        .prefetch_related("leaders")
        .annotate(member_count=_admitted_count())
        .order_by("topic")
    )
    mine = {
        m.group_id: m for m in GroupMember.objects.filter(user=user, group__cycle=cycle)
    }
    for group in groups:
        group.my_membership = mine.get(group.pk)
        group.is_full = rules.is_full(group.member_count, group.capacity)
    return groups


def mentor_led_groups(*, groups: list[Group], user) -> list[tuple[Group, list]]:
    """For a mentee: the groups (of ``groups``) that one of their mentors leads."""
    mentor_ids = set(
        User.objects.filter(
            mentorships_led__awards__members__user=user,
            mentorships_led__awards__members__active=True,
        ).values_list("pk", flat=True)
    )
    if not mentor_ids:
        return []
    led = []
    for group in groups:
        mentors = [u for u in group.leaders.all() if u.pk in mentor_ids]
        if mentors:
            led.append((group, mentors))
    return led


def group_get(pk: int) -> Group:
    return (
        Group.objects.select_related("cycle", "pre_survey", "final_survey")
        .prefetch_related("leaders", "support_staff")
        .annotate(member_count=_admitted_count())
        .get(pk=pk)
    )


def meeting_list(group: Group) -> list[Meeting]:
    """The group's meetings with their attendance counts."""
    return list(
        Meeting.objects.filter(group=group)
        .annotate(
            recorded=Count("attendance"),
            present=Count("attendance", filter=Q(attendance__present=True)),
        )
        .order_by("starts_at")
    )


@dataclass
class SurveyState:
    survey: Survey | None
    label: str
    invited: int = 0
    completed: int = 0

    @property
    def rate(self) -> int | None:
        return rules.percent(self.completed, self.invited)


def survey_states(group: Group) -> list[SurveyState]:
    """The pre-assessment and final survey of a group, with response counts."""
    surveys = [
        (gettext("Pre-assessment"), group.pre_survey),
        (gettext("Final survey"), group.final_survey),
    ]
    ids = [s.pk for _, s in surveys if s is not None]
    counts = {}
    if ids:
        counts = {
            row["survey_id"]: row
            for row in Invitation.objects.filter(survey_id__in=ids)
            .values("survey_id")
            .annotate(
                invited=Count("pk"),
                completed=Count("pk", filter=Q(completed_on__isnull=False)),
            )
        }
    states = []
    for label, survey in surveys:
        row = counts.get(survey.pk, {}) if survey else {}
        states.append(
            SurveyState(
                survey=survey,
                label=label,
                invited=row.get("invited", 0),
                completed=row.get("completed", 0),
            )
        )
    return states


def _memberships_prefetch(prefix: str = "user__memberships") -> Prefetch:
    return Prefetch(
        prefix,
        queryset=Membership.objects.select_related("organization").order_by("id"),
    )


def first_organization(user) -> Organization | None:
    """The organization a person is counted under: their first membership."""
    memberships = list(user.memberships.all())
    return memberships[0].organization if memberships else None


def roster(group: Group) -> list[GroupMember]:
    """Everyone who asked to join, with their organization, requests first."""
    order = {
        GroupMember.Status.REQUESTED: 0,
        GroupMember.Status.WAITLISTED: 1,
        GroupMember.Status.ADMITTED: 2,
        GroupMember.Status.DECLINED: 3,
        GroupMember.Status.LEFT: 4,
    }
    members = list(
        GroupMember.objects.filter(group=group)
        .select_related("user", "decided_by")
        .prefetch_related(_memberships_prefetch())
        .annotate(
            attended=Count("attendance", filter=Q(attendance__present=True)),
        )
    )
    for member in members:
        member.organization = first_organization(member.user)
    members.sort(
        key=lambda m: (order[m.status], m.requested_at, m.user.full_name.lower())
    )
    return members


# --- Reports -------------------------------------------------------------------------


@dataclass
class MeetingPoint:
    meeting: Meeting
    number: int
    present: int
    recorded: int

    @property
    def rate(self) -> float | None:
        return rules.attendance_rate(self.present, self.recorded)

    @property
    def percent(self) -> int | None:
        return rules.percent(self.present, self.recorded)


@dataclass
class GroupSeries:
    group: Group
    points: list[MeetingPoint] = field(default_factory=list)

    @property
    def rates(self) -> list[float | None]:
        return [p.rate for p in self.points]

    @property
    def tapers(self) -> bool:
        return rules.tapers(self.rates)

    @property
    def bars(self):
        return rules.bar_chart(self.rates)

    def padded(self, width: int) -> list[MeetingPoint | None]:
        return self.points + [None] * (width - len(self.points))


@dataclass
class AttendanceReport:
    cycle: Cycle
    series: list[GroupSeries]

    @property
    def width(self) -> int:
        return max((len(s.points) for s in self.series), default=0)

    @property
    def numbers(self) -> list[int]:
        return list(range(1, self.width + 1))

    def rows(self) -> list[tuple[GroupSeries, list[MeetingPoint | None]]]:
        """Each group with one cell per meeting number, blank past its last."""
        width = self.width
        return [(s, s.padded(width)) for s in self.series]

    @property
    def tapering(self) -> list[GroupSeries]:
        return [s for s in self.series if s.tapers]


def attendance_report(*, cycle: Cycle) -> AttendanceReport:
    """Attendance per group per meeting over a cycle, in two queries."""
    groups = list(
        Group.objects.filter(cycle=cycle)
        .annotate(member_count=_admitted_count())
        .order_by("topic")
    )
    series = {g.pk: GroupSeries(group=g) for g in groups}
    meetings = (
        Meeting.objects.filter(group__cycle=cycle)
        .annotate(
            recorded_count=Count("attendance"),
            present_count=Count("attendance", filter=Q(attendance__present=True)),
        )
        .order_by("group_id", "starts_at", "pk")
    )
    for meeting in meetings:
        s = series[meeting.group_id]
        s.points.append(
            MeetingPoint(
                meeting=meeting,
                number=len(s.points) + 1,
                present=meeting.present_count,
                recorded=meeting.recorded_count,
            )
        )
    return AttendanceReport(cycle=cycle, series=[series[g.pk] for g in groups])


def _took_part_filter():
    """Took part: admitted now, or present at one meeting at least (someone who
    attended and later left still took part)."""
    attended = MeetingAttendance.objects.filter(member_id=OuterRef("pk"), present=True)
    return Q(status=GroupMember.Status.ADMITTED) | Q(Exists(attended))


@dataclass
class Breakdown:
    label: str
    people: int
    memberships: int


def members_by_organization(*, cycle: Cycle) -> dict[str, list[Breakdown]]:
    """Admitted members by organization type and by sector, in two queries.

    A person counts once in ``people`` and once per group in ``memberships``;
    someone with no organization is "Unknown".
    """
    rows = list(
        GroupMember.objects.filter(
            group__cycle=cycle, status=GroupMember.Status.ADMITTED
        ).values_list("user_id", flat=True)
    )
    orgs = {}
    for user_id, org_type, sector in (
        Membership.objects.filter(user_id__in=set(rows))
        .order_by("user_id", "id")
        .values_list("user_id", "organization__org_type", "organization__sector")
    ):
        orgs.setdefault(user_id, (org_type, sector))
    type_labels = dict(Organization.OrgType.choices)
    sector_labels = dict(Sector.choices)

    def tally(index, labels):
        people, memberships = Counter(), Counter()
        for user_id in set(rows):
            value = orgs.get(user_id, ("", ""))[index]
            people[labels.get(value, UNKNOWN)] += 1
        for user_id in rows:
            value = orgs.get(user_id, ("", ""))[index]
            memberships[labels.get(value, UNKNOWN)] += 1
        return sorted(
            (Breakdown(label, people[label], memberships[label]) for label in people),
            key=lambda b: (b.label == UNKNOWN, -b.people, b.label),
        )

    return {
        "org_type": tally(0, type_labels),
        "sector": tally(1, sector_labels),
        "people": len(set(rows)),
        "memberships": len(rows),
    }


@dataclass
class CrossoverReport:
    figures: rules.Crossover
    groups: list[Group]
    collaborations_total: int
    mentees: int

    @property
    def share(self) -> int | None:
        return rules.percent(self.figures.count, self.collaborations_total)

    def group_rows(self):
        """(group, collaboration names) for every group of the cycle."""
        names = self.figures.collaborations
        return [
            (g, sorted(names[c] for c in self.figures.by_group.get(g.pk, ())))
            for g in self.groups
        ]

    def collaboration_rows(self):
        topics = {g.pk: g.topic for g in self.groups}
        return sorted(
            (
                (name, sorted(topics[g] for g in self.figures.by_collaboration[key]))
                for key, name in self.figures.collaborations.items()
            ),
            key=lambda row: row[0].lower(),
        )


def crossover_report(*, cycle: Cycle) -> CrossoverReport:
    """Which mentee collaborations took part in the cycle's groups.

    A mentee is a person with an active cohort membership of an award whose
    contract runs during the cycle (last year's mentees are not this year's
    collaborations); their collaboration is the award (one applicant
    organization's collaboration). Counts are of distinct collaborations:
    three people of one collaboration in two groups count once. Four queries,
    whatever the size.
    """
    in_cycle = CohortMember.objects.filter(
        active=True,
        award__contract_start__lte=cycle.ends_on,
        award__contract_end__gte=cycle.starts_on,
    )
    groups = list(Group.objects.filter(cycle=cycle).order_by("topic"))
    taking_part = list(
        GroupMember.objects.filter(group__cycle=cycle)
        .filter(_took_part_filter())
        .values_list("user_id", "group_id")
    )
    groups_of = defaultdict(set)
    for user_id, group_id in taking_part:
        groups_of[user_id].add(group_id)
    mentees = list(
        in_cycle.filter(user_id__in=set(groups_of))
        .values_list(
            "user_id",
            "award_id",
            "award__application__collaboration_name",
            "award__application__organization__name",
        )
        .order_by("award_id", "user_id")
    )
    rows = []
    for user_id, award_id, collaboration, org_name in mentees:
        name = collaboration or org_name
        if collaboration and org_name and collaboration != org_name:
            name = f"{collaboration} ({org_name})"
        for group_id in groups_of[user_id]:
            rows.append((award_id, name, group_id))
    total = in_cycle.filter(user__isnull=False).values("award_id").distinct().count()
    return CrossoverReport(
        figures=rules.crossover(rows),
        groups=groups,
        collaborations_total=total,
        mentees=len({m[0] for m in mentees}),
    )


def exit_survey_list() -> list[Survey]:
    """Exit surveys that ask the two affinity questions."""
    return list(
        Survey.objects.filter(
            kind=Survey.Kind.EXIT,
            sections__questions__key=rules.PARTICIPATION_KEY,
        )
        .distinct()
        .order_by("-opens_at")
    )


def _choice_value(raw, by_id: dict) -> str | None:
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    if raw is None:
        return None
    if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()):
        return by_id.get(int(raw), str(raw))
    return str(raw)


def exit_figures(survey: Survey) -> rules.ExitFigures:
    """The participation figures of an exit survey, from its answers only.

    The answers carry no person (the survey may be anonymous): the figures
    are shares of respondents, hidden below the survey's minimum group size.
    """
    keys = [rules.PARTICIPATION_KEY, rules.PLANS_KEY]
    by_id = dict(
        Choice.objects.filter(
            question__section__survey=survey, question__key__in=keys
        ).values_list("pk", "value")
    )
    pairs = defaultdict(dict)
    for response_id, key, choices, text in Answer.objects.filter(
        response__survey=survey, question__key__in=keys
    ).values_list("response_id", "question__key", "choices", "text"):
        pairs[response_id][key] = _choice_value(choices or text or None, by_id)
    return rules.exit_figures(
        ((p.get(keys[0]), p.get(keys[1])) for p in pairs.values()),
        min_group_size=survey.min_group_size,
    )


def drawing_check(drawing, *, see_names: bool, viewer) -> dict:
    """The drawing run again from its seed, for anyone to check: whether it
    gives the recorded winners, the whole ranking with each key, and the
    names (for those who may see them)."""
    from dashmentor.models import User

    order = rules.drawing_order(drawing.seed, drawing.eligible)
    names = {}
    if see_names:
        names = {u.pk: u for u in User.objects.filter(pk__in=drawing.eligible)}
    return {
        "verified": order[: drawing.winners_wanted] == drawing.winners,
        "ranking": [
            (n, rules.drawing_key(drawing.seed, n), names.get(n), n in drawing.winners)
            for n in order
        ],
        "winners": [(n, names.get(n)) for n in drawing.winners],
        "i_won": viewer.pk in drawing.winners,
    }


# --- the report's tables as CSV rows (header, rows) ---------------------------


def _attendance_table(*, cycle):
    data = attendance_report(cycle=cycle)
    header = [
        pgettext("affinity report CSV", "group"),
        pgettext("affinity report CSV", "meeting"),
        pgettext("affinity report CSV", "title"),
        pgettext("affinity report CSV", "date"),
        pgettext("affinity report CSV", "present"),
        pgettext("affinity report CSV", "recorded"),
        pgettext("affinity report CSV", "percent present"),
        pgettext("affinity report CSV", "group tapers"),
    ]
    rows = [
        [
            s.group.topic,
            p.number,
            p.meeting.title,
            p.meeting.starts_at.date().isoformat(),
            p.present,
            p.recorded,
            "" if p.percent is None else p.percent,
            pgettext("affinity report CSV", "yes")
            if s.tapers
            else pgettext("affinity report CSV", "no"),
        ]
        for s in data.series
        for p in s.points
    ]
    return header, rows


def _members_table(*, cycle):
    data = members_by_organization(cycle=cycle)
    rows = [
        [kind, b.label, b.people, b.memberships]
        for kind, key in (
            (pgettext("affinity report CSV", "organization type"), "org_type"),
            (pgettext("affinity report CSV", "sector"), "sector"),
        )
        for b in data[key]
    ]
    return [
        pgettext("affinity report CSV", "breakdown"),
        pgettext("affinity report CSV", "value"),
        pgettext("affinity report CSV", "people"),
        pgettext("affinity report CSV", "group memberships"),
    ], rows


def _crossover_table(*, cycle):
    data = crossover_report(cycle=cycle)
    rows = [[name, "; ".join(topics)] for name, topics in data.collaboration_rows()]
    return [
        pgettext("affinity report CSV", "collaboration"),
        pgettext("affinity report CSV", "groups"),
    ], rows


REPORT_TABLES = {
    "attendance": _attendance_table,
    "members": _members_table,
    "crossover": _crossover_table,
}
