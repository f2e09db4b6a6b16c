"""Demo data of the mentorship year: three cohorts of the current round mid-year,
and the past round's cohorts with their whole year behind them.

Each current cohort has four mentee organizations with people who can sign
in, work plans in every state, success goals with progress, a kickoff and a
webinar series, check-in calls with notes, attendance in which some mentees
have gone quiet, action logs with mentor comments, and personnel changes. The
demo mentee ``mentee@dash.test`` is in the Civic Canopy cohort, whose mentor is
the demo mentor.

The past round's cohorts (placed by ``cohorts.placement.demo``) finished their
year: approved work plans with every activity done, success goals that reached
their targets, every webinar and check-in held and attended.

Idempotent: rows are found by natural keys, and a cohort that already has
events is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from applications.models import Application, Award, Preference
from applications.review import demo as review_demo
from dashmentor.demo import EASTERN, DemoContext, ensure_org, ensure_user
from dashmentor.models import Membership, Organization
from notifications.demo import dated

from ..models import (
    ActionLog,
    Activity,
    Attendance,
    CheckInNote,
    CohortMember,
    Event,
    Goal,
    Measure,
    PersonnelChange,
    ProgressEntry,
    SuccessGoal,
    WorkPlan,
    WorkPlanVersion,
)
from . import services

# slug -> organizations: (name, sector, state, primary (email, name), secondary)
COHORTS = {
    "civic-canopy": [
        (
            "Lakeside Community Health Partnership",
            "public_health",
            "MI",
            ("mentee@dash.test", "Maya Lindqvist"),
            ("lakeside.data@dash.test", "Omar Haddad"),
        ),
        (
            "Harbor County Public Health Collaborative",
            "public_health",
            "ME",
            ("harbor@dash.test", "Grace Tallman"),
            None,
        ),
        (
            "Valley Families Collaborative",
            "human_services",
            "CA",
            ("valley@dash.test", "Luis Ortega"),
            ("valley.analyst@dash.test", "Priya Raman"),
        ),
        (
            "North Ridge Housing Coalition",
            "housing",
            "CO",
            ("northridge@dash.test", "Dana Whitehorse"),
            None,
        ),
    ],
    "csh": [
        (
            "Riverside Supportive Housing Network",
            "housing",
            "OH",
            ("riverside@dash.test", "Keisha Brown"),
            None,
        ),
        (
            "Metro Behavioral Health Alliance",
            "behavioral_health",
            "PA",
            ("metrobh@dash.test", "Tom Nguyen"),
            ("metrobh.data@dash.test", "Rosa Delgado"),
        ),
        (
            "Southside Health and Housing Collaborative",
            "health_care",
            "IL",
            ("southside@dash.test", "Aaron Fields"),
            None,
        ),
        (
            "Prairie County Continuum of Care",
            "housing",
            "KS",
            ("prairie@dash.test", "Beth Sorensen"),
            None,
        ),
    ],
    "211-san-diego": [
        (
            "Coastal 2-1-1 Partners",
            "human_services",
            "OR",
            ("coastal211@dash.test", "Jamie Cole"),
            None,
        ),
        (
            "Desert Valley Care Network",
            "health_care",
            "AZ",
            ("desertvalley@dash.test", "Ana Morales"),
            ("desertvalley.it@dash.test", "Sam Begay"),
        ),
        (
            "Tri-County Community Information Exchange",
            "community_development",
            "NC",
            ("tricounty@dash.test", "Chris Walker"),
            None,
        ),
        (
            "Mountain View Human Services Coalition",
            "human_services",
            "UT",
            ("mountainview@dash.test", "Lee Jensen"),
            None,
        ),
    ],
}

# The work-plan state of each organization, by its place in the cohort.
PLAN_STATES = ["changes", "approved", "submitted", "draft"]
# The organization (by place) that has gone quiet in each cohort.
QUIET_INDEX = 3

GOALS = [
    (
        "Bring health, housing and human-service partners to one data table",
        "Convene the partners monthly and agree on what to share and why.",
        [
            "Map partners and the data each holds",
            "Hold the first partner data forum",
            "Draft a data-sharing agreement",
            "Sign the agreement with three partners",
        ],
    ),
    (
        "Publish a community indicator dashboard",
        "Choose indicators with residents and show them by neighborhood.",
        [
            "Choose five indicators with the resident council",
            "Build the first dashboard draft",
            "Present the dashboard at a community meeting",
        ],
    ),
]

MEASURES = [
    ("Partners sharing data under an agreement", "partners", 0, 6),
    ("Indicators published on the dashboard", "indicators", 0, 5),
]

LOG_DID = [
    "Met with our hospital and housing partners to list the data each holds.",
    "Held our first partner data forum; 14 people from 9 organizations came.",
    "Drafted the data-sharing agreement with county counsel.",
    "Chose five indicators with the resident council.",
]


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=EASTERN)


def _ensure_mentee_application(ctx, round_, mentorship, spec, index):
    """The organization, its people and its application, submitted before the
    round's deadline; returns (application, people)."""
    name, sector, state, primary, secondary = spec
    org = ensure_org(
        name,
        kind=Organization.Kind.APPLICANT,
        org_type=Organization.OrgType.NONPROFIT
        if index % 2
        else Organization.OrgType.PUBLIC,
        sector=sector,
        state=state,
    )
    people = []
    for role, person in (("primary", primary), ("secondary", secondary)):
        if person is None:
            continue
        email, full_name = person
        key = (
            "mentee" if email == "mentee@dash.test" else f"mentee-{email.split('@')[0]}"
        )
        user = ensure_user(ctx, key, email, full_name, title="Program lead")
        people.append((role, user))
    creator = people[0][1]
    Membership.objects.get_or_create(
        user=creator, organization=org, defaults={"role": Membership.Role.ADMIN}
    )
    application, _ = Application.objects.get_or_create(
        round=round_,
        organization=org,
        defaults={
            "created_by": creator,
            "status": Application.Status.SUBMITTED,
            "collaboration_name": name,
            "collaboration_status": Application.Collaboration.MEMBER,
            "learning_goal": "Learn to share data across health and social "
            "services so that our collaboration can act on it.",
            "all_in_profile": Application.AllIn.HAS_PROFILE,
            "submitted_at": round_.closes_at - dt.timedelta(days=3),
            "first_submitted_at": round_.closes_at - dt.timedelta(days=3),
            "eligibility": Application.Eligibility.ELIGIBLE,
            "state": state,
            "first_preference": mentorship,
        },
    )
    if not application.preferences.exists():
        Preference.objects.create(
            application=application, mentorship=mentorship, rank=1
        )
    return application, people


def _ensure_award(round_, mentorship, application, people):
    """The accepted application's award, contracted, and its people in the
    cohort."""
    award, _ = Award.objects.get_or_create(
        application=application,
        defaults={
            "mentorship": mentorship,
            "amount": round_.award_amount,
            "contract_start": round_.contract_start,
            "contract_end": round_.contract_end,
            "status": Award.Status.CONTRACTED,
        },
    )
    for role, user in people:
        CohortMember.objects.get_or_create(
            award=award,
            email=user.email,
            defaults={
                "user": user,
                "name": user.full_name,
                "role": role,
                "invited_at": timezone.now() - dt.timedelta(days=160),
                "joined_at": timezone.now() - dt.timedelta(days=155),
            },
        )
    return award


def _work_plan(award, state: str, mentor, start: dt.date, today: dt.date, now=None):
    now = now or timezone.now()
    workplan = services.workplan_get_or_create(award=award)
    if workplan.goals.exists():
        return
    _plan_goals(workplan, award, state, start, today)
    _plan_history(workplan, award, state, mentor, today, now)
    workplan.save()


def _plan_goals(workplan, award, state: str, start: dt.date, today: dt.date):
    """The plan's goals and activities: one goal for a draft, else two."""
    goal_count = 1 if state == "draft" else 2
    for order, (title, description, steps) in enumerate(GOALS[:goal_count], 1):
        goal = Goal.objects.create(
            workplan=workplan, order=order, title=title, description=description
        )
        for n, step in enumerate(steps):
            target = start + dt.timedelta(days=45 + 60 * n + 15 * order)
            status = (
                Activity.Status.DONE
                if target < today - dt.timedelta(days=20)
                else Activity.Status.IN_PROGRESS
                if target < today + dt.timedelta(days=20)
                else Activity.Status.PLANNED
            )
            Activity.objects.create(
                goal=goal,
                order=n,
                title=step,
                target_date=min(target, award.contract_end),
                status=status if state == "approved" else Activity.Status.PLANNED,
            )


def _plan_history(workplan, award, state: str, mentor, today: dt.date, now):
    """The versions the plan's ``state`` implies, and its status and due date."""
    member = award.members.filter(user__isnull=False).first()
    author = member.user if member else None

    def version(number, decision, comment, days_ago):
        WorkPlanVersion.objects.create(
            workplan=workplan,
            number=number,
            snapshot=services.workplan_snapshot(workplan),
            submitted_by=author,
            submitted_at=now - dt.timedelta(days=days_ago),
            decision=decision,
            mentor_comment=comment,
            decided_by=mentor if decision != "pending" else None,
            decided_at=now - dt.timedelta(days=days_ago - 3)
            if decision != "pending"
            else None,
        )

    if state == "approved":
        # Version 1 had one goal; the mentor asked for a second, then approved.
        first = workplan.goals.order_by("order").last()
        snapshot = services.workplan_snapshot(workplan)
        snapshot["goals"] = [g for g in snapshot["goals"] if g["id"] != first.pk]
        WorkPlanVersion.objects.create(
            workplan=workplan,
            number=1,
            snapshot=snapshot,
            submitted_by=author,
            submitted_at=now - dt.timedelta(days=120),
            decision=WorkPlanVersion.Decision.CHANGES_REQUESTED,
            mentor_comment="Strong start. Add a second goal for the dashboard you "
            "described in your application.",
            decided_by=mentor,
            decided_at=now - dt.timedelta(days=117),
        )
        version(2, WorkPlanVersion.Decision.APPROVED, "Approved: a clear plan.", 105)
        workplan.status = WorkPlan.Status.APPROVED
    elif state == "submitted":
        version(1, WorkPlanVersion.Decision.PENDING, "", 2)
        workplan.status = WorkPlan.Status.SUBMITTED
    elif state == "changes":
        version(
            1,
            WorkPlanVersion.Decision.CHANGES_REQUESTED,
            "Please give each activity a target date that your partners have "
            "agreed to, and add who leads the data-sharing agreement.",
            12,
        )
        workplan.status = WorkPlan.Status.CHANGES_REQUESTED
        workplan.due_on = today + dt.timedelta(days=7)
    else:
        workplan.due_on = today + dt.timedelta(days=5)


def _success_goal(
    award, index: int, quiet: bool, start: dt.date, today: dt.date, months=None
):
    goal, created = SuccessGoal.objects.get_or_create(
        award=award,
        defaults={
            "statement": "By the end of the mentorship our collaboration will "
            "run a shared data table with signed agreements, and publish the "
            "indicators our residents chose."
        },
    )
    if not created:
        return
    for order, (name, unit, baseline, target) in enumerate(MEASURES):
        measure = Measure.objects.create(
            success_goal=goal,
            name=name,
            unit=unit,
            baseline=Decimal(baseline),
            target=Decimal(target),
            order=order,
        )
        count = months or (2 if quiet else 4)
        for step in range(1, count + 1):
            day = start + dt.timedelta(days=30 * step)
            if quiet:
                day = min(day, today - dt.timedelta(days=60))
            entry = ProgressEntry.objects.create(
                measure=measure,
                date=day,
                value=Decimal(min(target, step + index % 2)),
                note="Reported at the check-in call." if step % 2 else "",
            )
            ProgressEntry.objects.filter(pk=entry.pk).update(created_at=_at(day, 17))


def _events(mentorship, mentor, awards, start: dt.date, today: dt.date, finished=False):
    if mentorship.events.exists():
        return False
    _cohort_events(mentorship, mentor, start)
    check_ins = (30, 95, 140, 200, 260) if finished else (30, 95, 140)
    for n, award in enumerate(awards):
        _check_ins(mentorship, mentor, award, n, start, today, check_ins)
        if not finished:
            _next_check_in(mentorship, mentor, award, n, today)
    return True


def _cohort_events(mentorship, mentor, start: dt.date):
    """The kickoff, the webinar series and (one cohort) an in-person day."""
    round_ = mentorship.round
    kickoff_day = _weekday(start + dt.timedelta(days=9))
    services.event_create(
        mentorship=mentorship,
        kind=Event.Kind.KICKOFF,
        title="Kickoff webinar",
        starts_at=_at(kickoff_day, 13),
        ends_at=_at(kickoff_day, 14) + dt.timedelta(minutes=30),
        link="https://meet.example.org/dash-kickoff",
        agenda="Welcome from the program office\nMeet your mentor and cohort\n"
        "The year ahead: work plans, webinars, check-ins",
        by=mentor,
    )
    services.event_series_create(
        mentorship=mentorship,
        title="Cohort webinar",
        first=kickoff_day + dt.timedelta(days=35),
        cadence="8w" if mentorship.slug == "csh" else "2m",
        at=dt.time(14),
        minutes=75,
        link=f"https://meet.example.org/{mentorship.slug}-webinar",
        agenda="Peer updates from each mentee\nTopic of the month\nNext steps",
        by=mentor,
    )
    if mentorship.slug == "civic-canopy":
        services.event_create(
            mentorship=mentorship,
            kind=Event.Kind.IN_PERSON,
            title="In-person convening",
            starts_at=_at(_weekday(round_.contract_end - dt.timedelta(days=60)), 9),
            ends_at=_at(_weekday(round_.contract_end - dt.timedelta(days=60)), 16),
            location="Denver Community Center, 1200 Main St, Denver, CO",
            agenda="A day of peer learning with the whole cohort.",
            by=mentor,
        )


def _check_ins(mentorship, mentor, award, n, start, today, check_ins):
    """The award's past check-in calls, ``n`` days after the cohort's."""
    for offset in (c + n for c in check_ins):
        day = _weekday(start + dt.timedelta(days=offset))
        if day > today:
            continue
        services.event_create(
            mentorship=mentorship,
            kind=Event.Kind.CHECK_IN,
            title=f"Check-in: {award.application.organization.name}",
            starts_at=_at(day, 11),
            ends_at=_at(day, 11) + dt.timedelta(minutes=45),
            link="https://meet.example.org/check-in",
            award=award,
            by=mentor,
        )


def _next_check_in(mentorship, mentor, award, n, today):
    """The award's coming check-in call, in the days ahead."""
    next_call = _weekday(today + dt.timedelta(days=4 + n))
    services.event_create(
        mentorship=mentorship,
        kind=Event.Kind.CHECK_IN,
        title=f"Check-in: {award.application.organization.name}",
        starts_at=_at(next_call, 11),
        ends_at=_at(next_call, 11) + dt.timedelta(minutes=45),
        link="https://meet.example.org/check-in",
        agenda="Work plan progress\nBarriers\nWhat you need from your mentor",
        award=award,
        by=mentor,
    )


def _attendance(mentorship, mentor, awards, now):
    past = list(mentorship.events.filter(starts_at__lt=now).order_by("starts_at"))
    cohort_events = [e for e in past if e.award_id is None]
    # The quiet organization stopped coming from the second-last webinar on.
    quiet_since = cohort_events[-2].starts_at if len(cohort_events) >= 2 else now
    for event in past:
        for index, award in enumerate(awards):
            if event.award_id and event.award_id != award.pk:
                continue
            for member in award.members.filter(active=True):
                if index == QUIET_INDEX and event.starts_at >= quiet_since:
                    status = Attendance.Status.ABSENT
                elif member.role == "secondary" and event.pk % 3 == 0:
                    status = Attendance.Status.EXCUSED
                else:
                    status = Attendance.Status.PRESENT
                Attendance.objects.get_or_create(
                    event=event,
                    member=member,
                    defaults={
                        "status": status,
                        "recorded_by": mentor,
                        "recorded_at": event.starts_at + dt.timedelta(hours=2),
                    },
                )


def _logs_and_notes(mentorship, mentor, awards, today):
    periods = [p for p in mentorship.action_periods.all() if p.starts_on <= today]
    for index, award in enumerate(awards):
        _action_logs(award, periods, mentor, index == QUIET_INDEX, today)
        _check_in_notes(mentorship, award, mentor, today)


def _action_logs(award, periods, mentor, quiet: bool, today):
    """One log a period (none lately for the quiet one), every other commented."""
    member = award.members.filter(user__isnull=False).first()
    for n, period in enumerate(periods):
        day = min(period.ends_on, today - dt.timedelta(days=2))
        day = max(period.starts_on, day - dt.timedelta(days=5))
        if quiet and day > today - dt.timedelta(days=45):
            continue
        log = ActionLog.objects.create(
            period=period,
            award=award,
            did=LOG_DID[n % 4],
            next_steps="Circulate the draft and collect comments by the next webinar.",
            author=member.user if member else None,
            created_at=_at(day, 16),
        )
        if n % 2 == 0:
            log.mentor_comment = (
                "Good work. Bring the draft to the next webinar so your peers "
                "can share their templates."
            )
            log.commented_by = mentor
            log.commented_at = _at(day, 16) + dt.timedelta(days=2)
            log.save()


def _check_in_notes(mentorship, award, mentor, today):
    """A shared note for each past check-in call, and one the mentor keeps."""
    for event in mentorship.events.filter(
        award=award, kind=Event.Kind.CHECK_IN, starts_at__date__lte=today
    ):
        note, created = CheckInNote.objects.get_or_create(
            award=award,
            event=event,
            defaults={
                "author": mentor,
                "held_on": timezone.localtime(event.starts_at, EASTERN).date(),
                "notes": "Reviewed the work plan and the partner map. The "
                "hospital partner wants a narrower first data set.",
                "follow_ups": "Mentor sends two sample agreements; mentee "
                "schedules the legal review.",
                "shared_with_mentee": True,
            },
        )
        if created:  # who took part: those the call's attendance has present
            note.members.set(
                award.members.filter(
                    attendance__event=event, attendance__status="present"
                )
            )
    CheckInNote.objects.get_or_create(
        award=award,
        event=None,
        held_on=today - dt.timedelta(days=20),
        defaults={
            "author": mentor,
            "notes": "Mentor's own note: watch the turnover of the data lead; "
            "suggest a secondary contact is named.",
            "shared_with_mentee": False,
        },
    )


def _personnel(awards_by_slug, staff, today):
    award = awards_by_slug["civic-canopy"][2]
    reporter = award.members.filter(user__isnull=False).first()
    PersonnelChange.objects.get_or_create(
        award=award,
        person_email="valley.newlead@dash.test",
        defaults={
            "kind": PersonnelChange.Kind.JOINS,
            "person_name": "Ruth Okonkwo",
            "effective_on": today + dt.timedelta(days=7),
            "note": "Our new data lead will join the webinars.",
            "reported_by": reporter.user if reporter else None,
        },
    )
    award = awards_by_slug["csh"][1]
    secondary = award.members.filter(role="secondary", active=True).first()
    if secondary and not PersonnelChange.objects.filter(award=award).exists():
        change = PersonnelChange.objects.create(
            award=award,
            kind=PersonnelChange.Kind.LEAVES,
            person_name=secondary.name,
            person_email=secondary.email,
            effective_on=today - dt.timedelta(days=30),
            note="Rosa moved to another agency.",
            reported_by=award.members.filter(role="primary").first().user,
            reported_at=timezone.now() - dt.timedelta(days=32),
        )
        services.personnel_change_apply(change=change, by=staff)


def seed(ctx: DemoContext) -> None:
    _seed_current(ctx)
    _seed_past(ctx)


def _seed_past(ctx: DemoContext) -> None:
    """The past round's cohorts: their year from kickoff to the last webinar."""
    round_ = ctx.rounds.get("historical")
    if round_ is None:
        return
    start, end = round_.contract_start, round_.contract_end
    finished_at = _at(end, 17)
    awards = list(
        Award.objects.filter(application__round=round_, status__in=Award.ACTIVE)
        .select_related("mentorship", "application__organization")
        .order_by("mentorship__order", "application__organization__name")
    )
    by_mentorship: dict = {}
    for award in awards:
        by_mentorship.setdefault(award.mentorship, []).append(award)
    years = 0
    for mentorship, cohort in by_mentorship.items():
        mentor = ctx.users.get(f"mentor-{mentorship.slug}")
        if mentor is None or mentorship.events.exists():
            continue
        with dated(_at(start + dt.timedelta(days=20), 10)):
            for award in cohort:
                _work_plan(award, "approved", mentor, start, end, now=finished_at)
        with dated(_at(end - dt.timedelta(days=10), 16)):
            for index, award in enumerate(cohort):
                _success_goal(award, index, False, start, end, months=9)
        with dated(_at(start + dt.timedelta(days=5), 10)):
            _events(mentorship, mentor, cohort, start, end, finished=True)
        with dated(finished_at):
            _attendance(mentorship, mentor, cohort, finished_at)
            _logs_and_notes(mentorship, mentor, cohort, end)
        years += 1
    if years:
        ctx.log.append(
            f"Mentorship year: {round_.name}: {len(awards)} mentee organizations "
            f"in {years} cohorts, their year finished."
        )


def _seed_current(ctx: DemoContext) -> None:
    """Place four organizations in three cohorts of the current round, mid-year."""
    round_ = ctx.rounds["current"]
    today = ctx.today
    now = timezone.now()
    start = round_.contract_start
    accepted = {
        slug: [
            _ensure_mentee_application(
                ctx, round_, ctx.mentorships["current"][slug], spec, index
            )
            for index, spec in enumerate(specs)
        ]
        for slug, specs in COHORTS.items()
    }
    # Reviewed and decided like any round (the other applicants of the round
    # come from the applications demo), then placed in the three cohorts.
    if "staff" in ctx.users:
        review_demo.review_round(ctx, round_)
        review_demo.decide_round(
            ctx,
            round_,
            accept={a.pk for pairs in accepted.values() for a, _people in pairs},
        )
    awards_by_slug = {}
    for slug, pairs in accepted.items():
        mentorship = ctx.mentorships["current"][slug]
        mentor = ctx.users[f"mentor-{slug}"]
        awards = [
            _ensure_award(round_, mentorship, application, people)
            for application, people in pairs
        ]
        awards_by_slug[slug] = awards
        for index, award in enumerate(awards):
            _work_plan(award, PLAN_STATES[index], mentor, start, today)
            _success_goal(award, index, index == QUIET_INDEX, start, today)
        if _events(mentorship, mentor, awards, start, today):
            _attendance(mentorship, mentor, awards, now)
            _logs_and_notes(mentorship, mentor, awards, today)
    _personnel(awards_by_slug, ctx.users["staff"], today)
    ctx.log.append(
        "Mentorship year: 12 mentee organizations in 3 cohorts of the current "
        "round (Civic Canopy, CSH, 2-1-1 San Diego), with plans, events, "
        "attendance, logs and check-ins."
    )
