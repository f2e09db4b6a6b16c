"""Seed a large program quickly with bulk inserts, for the page benchmark.

Sizes (defaults): 10 rounds of 2,000 applications (20,000), 3 reviews each
(60,000, with a score per criterion), 5 mentorships a round (50), 1,500 mentees,
30,000 events and 30,000 attendance rows, 100,000 survey answers, 40 affinity
groups. Run against PostgreSQL: ``python bench/seed_large.py`` (uses
DATABASE_URL). The people it makes share the password printed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashmentor.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from affinity.models import Cycle, Group, GroupMember, Meeting, MeetingAttendance  # noqa: E402
from applications.demo import CRITERIA  # noqa: E402
from applications.models import (  # noqa: E402
    Application,
    Award,
    Contact,
    Criterion,
    Decision,
    EligibilityResult,
    Partner,
    Preference,
    Review,
    ReviewAssignment,
    Round,
    Score,
)
from cohorts.models import Attendance, CohortMember, Event, Mentorship  # noqa: E402
from dashmentor.choices import Sector, USState  # noqa: E402
from dashmentor.models import Membership, Organization, User  # noqa: E402
from surveys.models import Answer, Invitation, Question, Response, Section, Survey  # noqa: E402
from surveys.sealing import seal  # noqa: E402

BATCH = 5000
PASSWORD = "bench-password-not-secret"  # noqa: S105 - a throwaway benchmark database
SECTORS = [s.value for s in Sector]
STATES = [s.value for s in USState if s.value != "XX"]


def bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH)


def seed(*, rounds: int, per_round: int, seed: int) -> dict:
    rng = random.Random(seed)
    now = timezone.now()
    password = make_password(PASSWORD)
    counts = {}

    staff = User.objects.create(
        email="bench-staff@dash.test",
        full_name="Bench Staff",
        password=password,
        is_staff=True,
        is_superuser=True,
        is_reviewer=True,
    )
    reviewers = bulk(
        User,
        [
            User(
                email=f"bench-reviewer{i}@dash.test",
                full_name=f"Reviewer {i}",
                password=password,
                is_reviewer=True,
            )
            for i in range(60)
        ],
    )
    mentor_orgs = bulk(
        Organization,
        [
            Organization(name=f"Bench Mentor Org {i}", kind="mentor", org_type="501c3")
            for i in range(5)
        ],
    )
    mentors = bulk(
        User,
        [
            User(
                email=f"bench-mentor{i}@dash.test",
                full_name=f"Mentor {i}",
                password=password,
            )
            for i in range(rounds * 5)
        ],
    )
    orgs = bulk(
        Organization,
        [
            Organization(
                name=f"Bench Collaborative {i}",
                kind="applicant",
                org_type=rng.choice(["public", "501c3"]),
                sector=rng.choice(SECTORS),
                state=rng.choice(STATES),
                ein=f"{10 + i % 89:02d}-{1000000 + i:07d}",
            )
            for i in range(per_round)
        ],
    )
    applicants = bulk(
        User,
        [
            User(
                email=f"bench-applicant{i}@dash.test",
                full_name=f"Applicant {i}",
                password=password,
                email_confirmed_at=now,
            )
            for i in range(per_round)
        ],
    )
    bulk(
        Membership,
        [
            Membership(user=u, organization=o, role="admin")
            for u, o in zip(applicants, orgs, strict=True)
        ],
    )

    round_objs, mentorships, criteria = [], [], {}
    for r in range(rounds):
        closes = now - dt.timedelta(days=365 * (rounds - 1 - r)) + dt.timedelta(days=20)
        round_ = Round.objects.create(
            name=f"Bench round {r + 1}",
            slug=f"bench-{r + 1}",
            opens_at=closes - dt.timedelta(days=30),
            closes_at=closes,
            contract_start=(closes + dt.timedelta(days=40)).date(),
            contract_end=(closes + dt.timedelta(days=340)).date(),
        )
        round_objs.append(round_)
        criteria[round_.pk] = bulk(
            Criterion,
            [
                Criterion(round=round_, key=key, order=i, name=name, weight=Decimal(w))
                for i, (key, name, w) in enumerate(CRITERIA)
            ],
        )
        for m in range(5):
            mentorship = Mentorship.objects.create(
                round=round_,
                mentor_organization=mentor_orgs[m],
                topic=f"Bench topic {m}",
                slug=f"bench-topic-{m}",
                capacity=6,
            )
            mentorship.mentors.add(mentors[r * 5 + m])
            mentorships.append(mentorship)
    counts["rounds"] = len(round_objs)
    counts["mentorships"] = len(mentorships)

    apps_rows = []
    for round_ in round_objs:
        round_ms = [m for m in mentorships if m.round_id == round_.pk]
        for i, org in enumerate(orgs):
            # The first applicant's application to the open round is a draft,
            # for the application form's page.
            draft = round_ is round_objs[-1] and i == 1
            apps_rows.append(
                Application(
                    round=round_,
                    organization=org,
                    created_by=applicants[i],
                    status="draft"
                    if draft
                    else rng.choice(["submitted", "under_review", "decided"]),
                    collaboration_name=f"Coalition {i}",
                    collaboration_status="member",
                    learning_goal="Link health and housing data for our county.",
                    all_in_profile="has",
                    submitted_at=None
                    if draft
                    else round_.closes_at - dt.timedelta(days=2),
                    eligibility=rng.choice(
                        ["eligible"] * 8 + ["ineligible", "needs_review"]
                    ),
                    sectors_index="," + ",".join(rng.sample(SECTORS, 3)) + ",",
                    state=org.state,
                    first_preference=rng.choice(round_ms),
                    reviews_assigned=3,
                    reviews_done=3,
                    score_mean=Decimal(f"{rng.uniform(1, 5):.3f}"),
                    score_spread=Decimal(f"{rng.uniform(0, 2):.3f}"),
                    score_normalized=Decimal(f"{rng.gauss(0, 1):.3f}"),
                    disagreement=rng.random() < 0.1,
                )
            )
    applications = bulk(Application, apps_rows)
    counts["applications"] = len(applications)

    contacts, partners, prefs, elig = [], [], [], []
    for a in applications:
        contacts += [
            Contact(
                application=a,
                kind="primary",
                name="Primary Person",
                email=f"p{a.pk}@example.org",
            ),
            Contact(
                application=a,
                kind="secondary",
                name="Second Person",
                email=f"s{a.pk}@example.org",
            ),
        ]
        partners += [
            Partner(application=a, name=f"Partner {k}", sectors=rng.sample(SECTORS, 2))
            for k in range(2)
        ]
        round_ms = [m for m in mentorships if m.round_id == a.round_id]
        prefs += [
            Preference(application=a, mentorship=m, rank=k + 1)
            for k, m in enumerate(rng.sample(round_ms, 3))
        ]
        elig += [
            EligibilityResult(
                application=a, criterion=c, outcome="pass", reason_text="ok"
            )
            for c in range(1, 6)
        ]
    bulk(Contact, contacts)
    bulk(Partner, partners)
    bulk(Preference, prefs)
    bulk(EligibilityResult, elig)

    assignments = bulk(
        ReviewAssignment,
        [
            ReviewAssignment(application=a, reviewer=rv, status="submitted")
            for a in applications
            for rv in rng.sample(reviewers, 3)
        ],
    )
    reviews = bulk(
        Review,
        [
            Review(
                assignment=asg,
                overall_comment="Solid application.",
                weighted_total=Decimal(f"{rng.uniform(1, 5):.3f}"),
                submitted_at=now,
            )
            for asg in assignments
        ],
    )
    counts["reviews"] = len(reviews)
    app_round = {a.pk: a.round_id for a in applications}
    asg_app = {asg.pk: asg.application_id for asg in assignments}
    scores = []
    for rv in reviews:
        for c in criteria[app_round[asg_app[rv.assignment_id]]]:
            scores.append(Score(review=rv, criterion=c, value=rng.randint(1, 5)))
        if len(scores) >= 50_000:
            bulk(Score, scores)
            counts["scores"] = counts.get("scores", 0) + len(scores)
            scores = []
    bulk(Score, scores)
    counts["scores"] = counts.get("scores", 0) + len(scores)

    # Awards and mentees: 30 accepted per round, 5 people each = 1,500 mentees.
    decisions, awards = [], []
    by_round: dict[int, list[Application]] = {}
    for a in applications:
        by_round.setdefault(a.round_id, []).append(a)
    for round_ in round_objs:
        round_ms = [m for m in mentorships if m.round_id == round_.pk]
        for k, a in enumerate(by_round[round_.pk][:30]):
            decisions.append(
                Decision(
                    application=a, outcome="accept", decided_by=staff, released_at=now
                )
            )
            awards.append(
                Award(
                    application=a,
                    mentorship=round_ms[k % 5],
                    amount=round_.award_amount,
                    contract_start=round_.contract_start,
                    contract_end=round_.contract_end,
                    status="contracted",
                )
            )
    bulk(Decision, decisions)
    awards = bulk(Award, awards)
    mentee_users = bulk(
        User,
        [
            User(
                email=f"bench-mentee{i}@dash.test",
                full_name=f"Mentee {i}",
                password=password,
            )
            for i in range(len(awards) * 5)
        ],
    )
    members = bulk(
        CohortMember,
        [
            CohortMember(
                award=award,
                user=mentee_users[i * 5 + j],
                name=f"Mentee {i * 5 + j}",
                email=mentee_users[i * 5 + j].email,
                role=["primary", "secondary", "colleague", "colleague", "partner"][j],
                joined_at=now,
            )
            for i, award in enumerate(awards)
            for j in range(5)
        ],
    )
    counts["mentees"] = len(members)
    counts["tranches"] = _closeout(awards, staff, now)

    events = []
    for m in mentorships:
        start = now - dt.timedelta(days=300)
        for k in range(600):
            events.append(
                Event(
                    mentorship=m,
                    kind=rng.choice(["webinar", "check_in"]),
                    title=f"Session {k}",
                    starts_at=start + dt.timedelta(hours=12 * k),
                )
            )
    events = bulk(Event, events)
    counts["events"] = len(events)
    members_by_ms: dict[int, list[CohortMember]] = {}
    award_ms = {a.pk: a.mentorship_id for a in awards}
    for cm in members:
        members_by_ms.setdefault(award_ms[cm.award_id], []).append(cm)
    attendance, seen = [], set()
    while len(attendance) < 30_000:
        event = rng.choice(events)
        member = rng.choice(members_by_ms[event.mentorship_id])
        if (event.pk, member.pk) in seen:
            continue
        seen.add((event.pk, member.pk))
        attendance.append(
            Attendance(
                event=event,
                member=member,
                status=rng.choice(["present", "present", "absent"]),
            )
        )
    bulk(Attendance, attendance)
    counts["attendance"] = len(attendance)

    # Surveys: one anonymous midpoint survey per round, 10 questions,
    # 1,000 responses per round = 100,000 answers.
    answers = []
    for round_ in round_objs:
        survey = Survey.objects.create(
            title=f"Midpoint survey {round_.name}",
            kind="midpoint",
            round=round_,
            audience="round",
            opens_at=round_.closes_at,
            status="closed",
            closes_at=round_.closes_at + dt.timedelta(days=30),
        )
        section = Section.objects.create(survey=survey, title="The program")
        questions = bulk(
            Question,
            [
                Question(
                    section=section, order=k, kind="likert", prompt=f"Statement {k}"
                )
                for k in range(10)
            ],
        )
        round_ms = [m for m in mentorships if m.round_id == round_.pk]
        # As a release writes them: an anonymous response carries no day and
        # its cohort only sealed (surveys/services.py: survey_release).
        responses = bulk(
            Response,
            [
                Response(
                    id=uuid.uuid4(),
                    survey=survey,
                    segment_sealed=seal(survey.pk, rng.choice(round_ms).pk),
                )
                for _ in range(1000)
            ],
        )
        for resp in responses:
            answers += [
                Answer(
                    id=uuid.uuid4(), response=resp, question=q, number=rng.randint(1, 5)
                )
                for q in questions
            ]
        bulk(
            Invitation,
            [
                Invitation(
                    survey=survey,
                    email=u.email,
                    user=u,
                    mentorship=round_ms[k % len(round_ms)],
                    token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
                    completed_on=round_.closes_at.date(),
                )
                for k, u in enumerate(mentee_users[:150])
            ],
        )
        if len(answers) >= 50_000:
            bulk(Answer, answers)
            counts["survey_answers"] = counts.get("survey_answers", 0) + len(answers)
            answers = []
    bulk(Answer, answers)
    counts["survey_answers"] = counts.get("survey_answers", 0) + len(answers)

    cycle = Cycle.objects.create(
        name="Bench cycle",
        starts_on=now.date(),
        ends_on=(now + dt.timedelta(days=300)).date(),
    )
    groups = bulk(
        Group,
        [
            Group(
                cycle=cycle,
                topic=f"Bench topic group {g}",
                slug=f"bench-group-{g}",
                capacity=60,
            )
            for g in range(40)
        ],
    )
    counts["affinity_groups"] = len(groups)
    gmembers = bulk(
        GroupMember,
        [
            GroupMember(group=g, user=u, status="admitted")
            for g in groups
            for u in rng.sample(applicants, 25)
        ],
    )
    meetings = bulk(
        Meeting,
        [
            Meeting(
                group=g, title=f"Meeting {k}", starts_at=now + dt.timedelta(days=30 * k)
            )
            for g in groups
            for k in range(10)
        ],
    )
    gm_by_group: dict[int, list[GroupMember]] = {}
    for gm in gmembers:
        gm_by_group.setdefault(gm.group_id, []).append(gm)
    bulk(
        MeetingAttendance,
        [
            MeetingAttendance(
                meeting=mt, member=gm, present=rng.random() < 0.7 - mt.pk % 10 * 0.05
            )
            for mt in meetings
            for gm in gm_by_group[mt.group_id]
        ],
    )
    return counts


def _closeout(awards, staff, now) -> int:
    """Each award in two tranches: the first paid, the second due for every
    third award; and a published resource for every other award."""
    from decimal import Decimal

    from awards.models import AwardAccount, Payment, Resource, Tranche

    half = Decimal("0.5")
    tranches, accounts = [], []
    for k, award in enumerate(awards):
        first = (award.amount * half).quantize(Decimal("0.01"))
        accounts.append(
            AwardAccount(
                award=award, amount=award.amount, scheduled=award.amount, paid=first
            )
        )
        tranches.append(
            Tranche(
                award=award,
                number=1,
                label="First payment",
                percent=50,
                amount=first,
                requires_letter=True,
                requires_workplan=True,
                status="paid",
                due_since=now,
            )
        )
        tranches.append(
            Tranche(
                award=award,
                number=2,
                label="Final payment",
                percent=50,
                amount=award.amount - first,
                requires_report=True,
                status="due" if k % 3 == 0 else "pending",
                due_since=now if k % 3 == 0 else None,
            )
        )
    bulk(AwardAccount, accounts)
    tranches = bulk(Tranche, tranches)
    bulk(
        Payment,
        [
            Payment(
                tranche=t,
                amount=t.amount,
                paid_on=now.date(),
                reference=f"ACH-{t.pk}",
                recorded_by=staff,
            )
            for t in tranches
            if t.status == "paid"
        ],
    )
    bulk(
        Resource,
        [
            Resource(
                title=f"Bench resource {k}",
                slug=f"bench-resource-{k}",
                summary="A toolkit made in the program. " * 5,
                link="https://example.org/",
                license="cc-by-4.0",
                topics=["Data law"],
                topics_index="|Data law|",
                sectors=["housing"],
                sectors_index=",housing,",
                award=award,
                status="published",
                published_at=now,
            )
            for k, award in enumerate(awards[::2])
        ],
    )
    return len(tranches)


BENCH_POSTS = 2000
BENCH_CHALLENGES = 20000


def seed_discussions() -> dict:
    """A discussion of 2,000 posts in the bench mentor's cohort and 20,000
    challenges to the whole program (the pages' worst cases); added to a
    database seeded before the discussions existed too."""
    from discussions.models import Challenge, Post, Reply, Space, Thread

    if Thread.objects.filter(form_token="bench-thread").exists():
        return {}
    mentor = (
        User.objects.filter(email__startswith="bench-mentor").order_by("-pk").first()
    )
    mentorship = mentor.mentorships_led.order_by("pk").first()
    people = list(
        User.objects.filter(
            cohort_memberships__award__mentorship=mentorship,
            cohort_memberships__active=True,
        ).distinct()[:20]
    ) or [mentor]
    now = timezone.now()
    space, _ = Space.objects.get_or_create(kind="cohort", mentorship=mentorship)
    thread = Thread.objects.create(
        space=space,
        title="Bench thread",
        author=mentor,
        form_token="bench-thread",
        post_count=BENCH_POSTS,
        last_post_at=now,
    )
    bulk(
        Post,
        [
            Post(
                thread=thread,
                author=people[k % len(people)],
                body_html=f"<p>Post {k} on matching records.</p>",
                body_text=f"Post {k} on matching records.",
                created_at=now - dt.timedelta(minutes=BENCH_POSTS - k),
                form_token=f"bench-post-{k}",
            )
            for k in range(BENCH_POSTS)
        ],
    )
    authors = list(User.objects.filter(email__startswith="bench-applicant")[:500])
    challenges = bulk(
        Challenge,
        [
            Challenge(
                author=authors[k % len(authors)],
                title=f"Bench challenge {k}",
                context="Linking shelter and clinic records without an identifier.",
                audience="program",
                status="closed" if k % 5 == 0 else "open",
                search_document=f"Bench challenge {k} linking shelter clinic",
                created_at=now - dt.timedelta(minutes=k),
                form_token=f"bench-challenge-{k}",
            )
            for k in range(BENCH_CHALLENGES)
        ],
    )
    bulk(
        Reply,
        [
            Reply(
                challenge=c,
                author=mentor,
                body_html="<p>We matched on three fields.</p>",
                body_text="We matched on three fields.",
                form_token=f"bench-reply-{c.pk}",
            )
            for c in challenges[:2000]
        ],
    )
    return {"discussion_posts": BENCH_POSTS, "challenges": BENCH_CHALLENGES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--per-round", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if Round.objects.filter(slug__startswith="bench-").exists():
        with transaction.atomic():
            added = seed_discussions()
        print("The benchmark program is already seeded.", added or "")
        return
    started = time.perf_counter()
    with transaction.atomic():
        counts = seed(rounds=args.rounds, per_round=args.per_round, seed=args.seed)
        counts.update(seed_discussions())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    for name, n in counts.items():
        print(f"{name:>16}: {n:>9,}")
    print(f"Seeded in {elapsed:.1f} s. Password of every bench account: {PASSWORD}")


if __name__ == "__main__":
    main()
