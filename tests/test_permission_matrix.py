"""Every URL the portal serves, requested as every role, against others' objects.

The URL list comes from the resolver, so a new URL cannot be forgotten: a URL
with no row in ``EXPECTED`` fails the test. Where a URL takes an id, the id is
that of an object of *another* organization or cohort than the requesting
user's, so the table says what a curious user gets when it edits the address bar.

Answers: ``OK`` (200), ``LOGIN`` (redirect to sign-in), ``DENY`` (403), ``GONE``
(404), ``REDIRECT`` (another redirect), ``NOT_ALLOWED`` (405: a POST-only URL),
``NO_TOKEN`` (401: the JSON API without a token).

The JSON API's routes (``API_ROUTES``) are requested the way a tool calls
them: with a personal token of the role's user (read-only, as tokens are by
default), and with no token for the anonymous row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests import factories

OK, LOGIN, DENY, GONE, REDIRECT, NOT_ALLOWED, NO_TOKEN = (
    "200",
    "login",
    "403",
    "404",
    "302",
    "405",
    "401",
)
ROLES = ("anonymous", "applicant", "reviewer", "mentor", "mentee", "staff", "alumni")


def everyone(code):
    return dict.fromkeys(ROLES, code)


def signed_in(code, anonymous=LOGIN):
    return {**everyone(code), "anonymous": anonymous}


def only(allowed: dict, others=DENY, anonymous=LOGIN):
    """``allowed`` roles as given, the other signed-in roles ``others``."""
    return {**everyone(others), "anonymous": anonymous, **allowed}


STAFF_ONLY = only({"staff": OK})
PARTICIPANTS = ("mentor", "mentee", "staff", "alumni")
# Another cohort's mentee organization: its mentor and mentee get 404.
YEAR_OTHER = only({"mentor": GONE, "mentee": GONE, "staff": OK})
# An award's close-out: alumni keep theirs, and get 404 for another's.
AWARD_OTHER = {**YEAR_OTHER, "alumni": GONE}


@dataclass
class World:
    """Each role's own things, and things of another organization or cohort."""

    users: dict
    other: dict


@pytest.fixture
def world(db):
    round_ = factories.RoundFactory()
    mine = factories.MentorshipFactory(round=round_)
    theirs = factories.MentorshipFactory(round=round_)
    mentor = factories.UserFactory(email="mentor@example.org")
    mine.mentors.add(mentor)
    mentee = factories.CohortMemberFactory(
        award__application__round=round_,
        award__mentorship=mine,
        user__email="mentee@example.org",
    ).user
    other_member = factories.CohortMemberFactory(
        award__application__round=round_,
        award__mentorship=theirs,
        user__email="other-mentee@example.org",
    )
    applicant = factories.UserFactory(email="applicant@example.org")
    factories.ApplicationFactory(round=round_, created_by=applicant)
    other_application = factories.ApplicationFactory(round=round_)
    # An alumnus: a cohort member of an award that has ended, in another cohort.
    alumnus = factories.CohortMemberFactory(
        award__application__round=round_,
        award__mentorship=theirs,
        award__status="ended",
        user__email="alumni@example.org",
    )
    users = {
        "alumni": alumnus.user,
        "anonymous": None,
        "applicant": applicant,
        "reviewer": factories.ReviewerFactory(email="reviewer@example.org"),
        "mentor": mentor,
        "mentee": mentee,
        "staff": factories.StaffFactory(email="staff@example.org"),
    }
    from affinity.models import Cycle, Group
    from surveys.models import Survey

    cycle = Cycle.objects.create(
        name="2021", starts_on=dt.date(2021, 1, 1), ends_on=dt.date(2021, 12, 31)
    )
    group = Group.objects.create(cycle=cycle, topic="Data law", slug="data-law")
    from affinity.models import GroupMember, Meeting

    meeting = Meeting.objects.create(
        group=group, title="Kickoff", starts_at=timezone.now()
    )
    group_member = GroupMember.objects.create(
        group=group, user=factories.UserFactory(), status="requested"
    )
    survey = Survey.objects.create(
        title="Midpoint",
        kind=Survey.Kind.MIDPOINT,
        round=round_,
        audience=Survey.Audience.ROUND,
        opens_at=timezone.now(),
        closes_at=timezone.now() + dt.timedelta(days=7),
    )
    from cohorts.models import Event, PlacementEntry, PlacementRun

    run = PlacementRun.objects.create(round=round_)
    from awards import services as award_services
    from awards.models import Resource

    letter = award_services.letter_issue(
        award=other_member.award, by=users["staff"], expected_number=0
    )
    resource = Resource.objects.create(
        title="Their draft",
        slug="their-draft",
        summary="Not published.",
        license=Resource.License.CC_BY,
        award=other_member.award,
        submitted_by=other_member.user,
    )
    from applications.outreach.models import (
        AskedQuestion,
        FaqEntry,
        Milestone,
        Webinar,
    )

    webinar = Webinar.objects.create(
        round=round_,
        title="Informational webinar",
        starts_at=timezone.now() + dt.timedelta(days=2),
        join_url="https://meet.example.org/join",
    )
    from peers import services as peer_services
    from peers.models import Block, GroupMoveSuggestion

    third_award = factories.AwardFactory(application__round=round_, mentorship=theirs)
    peer_services.profiles_sync()
    other_profile = other_member.award.application.organization.peer_profile
    third_profile = third_award.application.organization.peer_profile
    peer_intro = peer_services.introduction_request(
        from_profile=other_profile,
        to_profile=third_profile,
        note="Hello",
        by=other_member.user,
    )
    peer_block = Block.objects.create(blocker=third_profile, blocked=other_profile)
    GroupMember.objects.filter(pk=group_member.pk).update(status="admitted")
    other_group = Group.objects.create(cycle=cycle, topic="Housing", slug="housing")
    peer_move = GroupMoveSuggestion.objects.create(
        member=group_member, to_group=other_group
    )
    from discussions import services as discussion_services
    from discussions.models import Space
    from discussions.permissions import Ref

    their_thread = discussion_services.thread_start(
        ref=Ref(Space.Kind.COHORT, theirs.pk),
        title="Their thread",
        body="Their post",
        by=other_member.user,
        form_token="matrix-thread",
    )
    their_challenge = discussion_services.challenge_post(
        by=other_member.user,
        title="Their challenge",
        context="Their context",
        audience=f"cohort:{theirs.pk}",
        form_token="matrix-challenge",
    )
    their_reply = discussion_services.challenge_reply(
        challenge=their_challenge,
        by=other_member.user,
        body="Their reply",
        form_token="matrix-reply",
    )
    from api.models import WebhookEndpoint
    from staffdesk.models import Mailing, MailingTemplate

    other = {
        "mailing": Mailing.objects.create(
            subject="Hello", body="Hi", audience_label="Alumni", form_token="t"
        ),
        "template": MailingTemplate.objects.create(name="T", subject="S", body="B"),
        "endpoint": WebhookEndpoint.objects.create(
            url="https://hooks.example.org/portal",
            events=["survey.closed"],
            secret_salt="matrix",
        ),
        "webinar": webinar,
        "question": AskedQuestion.objects.create(
            round=round_,
            text="Can a tribal nation apply?",
            email="asker@example.org",
            status=AskedQuestion.Status.WAITING,
            confirmed_at=timezone.now(),
        ),
        "faq": FaqEntry.objects.create(
            round=round_, question="Who can apply?", answer="Public entities."
        ),
        "milestone": Milestone.objects.create(
            round=round_, kind=Milestone.Kind.ANNOUNCED, on=dt.date(2025, 11, 26)
        ),
        "run": run,
        "entry": PlacementEntry.objects.create(run=run, application=other_application),
        "event": Event.objects.create(
            mentorship=theirs,
            kind=Event.Kind.WEBINAR,
            title="Their webinar",
            starts_at=timezone.now(),
        ),
        "group": group,
        "meeting": meeting,
        "group_member": group_member,
        "survey": survey,
        "round": round_,
        "application": other_application,
        "mentorship": theirs,
        "award": other_member.award,
        "member": other_member,
        "letter": letter,
        "tranche": other_member.award.tranches.first(),
        "resource": resource,
        "now": timezone.now() + dt.timedelta(days=1),
        "profile": other_profile,
        "intro": peer_intro,
        "block": peer_block,
        "move": peer_move,
        "thread": their_thread,
        "post": their_thread.posts.get(),
        "challenge": their_challenge,
        "reply": their_reply,
    }
    return World(users=users, other=other)


# name -> (arguments built from the world, expected answer per role)
EXPECTED: dict[str, tuple] = {
    "public-home": (None, everyone(OK)),
    "favicon": (None, everyone(REDIRECT)),
    "home": (None, signed_in(REDIRECT)),
    "staff-home": (None, STAFF_ONLY),
    "staffdesk:mailing-list": (None, STAFF_ONLY),
    "staffdesk:mailing-compose": (None, STAFF_ONLY),
    "staffdesk:mailing-detail": (lambda w: [w.other["mailing"].pk], STAFF_ONLY),
    "staffdesk:template-create": (None, STAFF_ONLY),
    "staffdesk:template-edit": (lambda w: [w.other["template"].pk], STAFF_ONLY),
    "staffdesk:template-delete": (
        lambda w: [w.other["template"].pk],
        only({"staff": NOT_ALLOWED}),
    ),
    "staffdesk:late-reviews": (None, STAFF_ONLY),
    "staffdesk:review-schedule": (lambda w: [w.other["round"].slug], STAFF_ONLY),
    "staffdesk:todo": (lambda w: ["offers"], STAFF_ONLY),
    "staffdesk:reports": (None, STAFF_ONLY),
    "staffdesk:report": (lambda w: ["reviewers"], STAFF_ONLY),
    "staffdesk:report-csv": (lambda w: ["awards"], STAFF_ONLY),
    "staffdesk:audit": (None, STAFF_ONLY),
    "health": (None, everyone(OK)),
    "health-live": (None, everyone(OK)),
    "language-set": (None, everyone(NOT_ALLOWED)),
    "javascript-catalog": (lambda w: ["es"], everyone(OK)),
    "login": (None, {**everyone(REDIRECT), "anonymous": OK}),
    "logout": (None, everyone(NOT_ALLOWED)),
    "password_reset": (None, everyone(OK)),
    "password_reset_done": (None, everyone(OK)),
    "password_reset_confirm": (lambda w: ["MQ", "bad-token"], everyone(OK)),
    "password_reset_complete": (None, everyone(OK)),
    "password_change": (None, signed_in(OK)),
    "password_change_done": (None, signed_in(OK)),
    "notifications:preferences": (None, signed_in(OK)),
    "applications:signup": (None, {**everyone(REDIRECT), "anonymous": OK}),
    "applications:applicant-home": (None, only({"applicant": OK, "staff": OK})),
    "applications:round-detail": (lambda w: [w.other["round"].slug], everyone(OK)),
    "applications:application-detail": (
        lambda w: [w.other["application"].pk],
        only({"applicant": GONE, "staff": OK}),
    ),
    "applications:email-confirm": (lambda w: ["bad-token"], everyone("400")),
    "applications:email-confirmation-resend": (None, everyone(NOT_ALLOWED)),
    "applications:organization": (None, only({"applicant": OK})),
    "applications:start": (lambda w: [w.other["round"].slug], everyone(NOT_ALLOWED)),
    "applications:application-section": (
        lambda w: [w.other["application"].pk, "goal"],
        only({"applicant": GONE}),
    ),
    "applications:application-submit": (
        lambda w: [w.other["application"].pk],
        only({"applicant": GONE}),
    ),
    "applications:application-withdraw": (
        lambda w: [w.other["application"].pk],
        everyone(NOT_ALLOWED),
    ),
    "applications:application-print": (
        lambda w: [w.other["application"].pk],
        only({"applicant": GONE, "staff": OK}),
    ),
    "applications:eligibility-override": (
        lambda w: [w.other["application"].pk],
        STAFF_ONLY,
    ),
    "applications:reviewer-queue": (None, only({"reviewer": OK})),
    "applications:staff-review-list": (None, STAFF_ONLY),
    "applications:review-form": (
        lambda w: [w.other["application"].pk],
        only({"reviewer": GONE}),
    ),
    "applications:review-conflict": (
        lambda w: [w.other["application"].pk],
        everyone(NOT_ALLOWED),
    ),
    # A draft is not in review: staff get 404 on its review file.
    "applications:staff-application-review": (
        lambda w: [w.other["application"].pk],
        only({"staff": GONE}),
    ),
    "applications:staff-decide": (
        lambda w: [w.other["application"].pk],
        everyone(NOT_ALLOWED),
    ),
    "applications:staff-assign": (
        lambda w: [w.other["application"].pk],
        everyone(NOT_ALLOWED),
    ),
    "applications:staff-unassign": (lambda w: [1], everyone(NOT_ALLOWED)),
    "applications:staff-eligibility-override": (
        lambda w: [1],
        everyone(NOT_ALLOWED),
    ),
    "applications:staff-bulk-decision": (None, everyone(NOT_ALLOWED)),
    "applications:staff-round-review": (
        lambda w: [w.other["round"].slug],
        STAFF_ONLY,
    ),
    "applications:staff-auto-assign": (
        lambda w: [w.other["round"].slug],
        everyone(NOT_ALLOWED),
    ),
    "applications:staff-release": (
        lambda w: [w.other["round"].slug],
        everyone(NOT_ALLOWED),
    ),
    "applications:staff-ranked": (lambda w: [w.other["round"].slug], STAFF_ONLY),
    "applications:staff-rubric": (lambda w: [w.other["round"].slug], STAFF_ONLY),
    "cohorts:cohort-detail": (
        lambda w: [w.other["mentorship"].pk],
        only({"mentor": GONE, "mentee": GONE, "staff": OK}),
    ),
    "cohorts:mentor-home": (None, only({"mentor": OK})),
    "cohorts:invitation-accept": (lambda w: ["not-a-token"], everyone("400")),
    "cohorts:placement-rounds": (None, STAFF_ONLY),
    "cohorts:placement-round": (lambda w: [w.other["round"].pk], STAFF_ONLY),
    "cohorts:placement-compute": (
        lambda w: [w.other["round"].pk],
        everyone(NOT_ALLOWED),
    ),
    "cohorts:placement-constraints": (lambda w: [w.other["round"].pk], STAFF_ONLY),
    "cohorts:placement-constraint-delete": (
        lambda w: [w.other["round"].pk, 1],
        everyone(NOT_ALLOWED),
    ),
    "cohorts:award-list": (lambda w: [w.other["round"].pk], STAFF_ONLY),
    "cohorts:award-detail": (lambda w: [w.other["award"].pk], STAFF_ONLY),
    "cohorts:award-respond": (
        lambda w: [w.other["award"].pk],
        everyone(NOT_ALLOWED),
    ),
    "cohorts:placement-waitlist": (lambda w: [w.other["round"].pk], STAFF_ONLY),
    "cohorts:placement-waitlist-offer": (
        lambda w: [w.other["round"].pk],
        everyone(NOT_ALLOWED),
    ),
    "cohorts:placement-mentorship": (
        lambda w: [w.other["round"].pk, w.other["run"].pk, w.other["mentorship"].pk],
        STAFF_ONLY,
    ),
    "cohorts:placement-entry": (
        lambda w: [w.other["round"].pk, w.other["run"].pk, w.other["entry"].pk],
        STAFF_ONLY,
    ),
    "cohorts:placement-commit": (
        lambda w: [w.other["round"].pk, w.other["run"].pk],
        everyone(NOT_ALLOWED),
    ),
    "cohorts:placement-discard": (
        lambda w: [w.other["round"].pk, w.other["run"].pk],
        everyone(NOT_ALLOWED),
    ),
    "cohorts:mentee-home": (None, only({"mentee": OK})),
    "cohorts:program-dashboard": (None, STAFF_ONLY),
    "cohorts:dashboard-refresh": (None, everyone(NOT_ALLOWED)),
    "surveys:my-surveys": (None, signed_in(OK)),
    "surveys:staff-survey-list": (None, STAFF_ONLY),
    "affinity:group-list": (None, signed_in(OK)),
    "affinity:group-detail": (lambda w: [w.other["group"].pk], signed_in(OK)),
    "affinity:group-edit": (lambda w: [w.other["group"].pk], STAFF_ONLY),
    "affinity:join": (lambda w: [w.other["group"].pk], signed_in(NOT_ALLOWED)),
    "affinity:leave": (lambda w: [w.other["group"].pk], signed_in(NOT_ALLOWED)),
    "affinity:roster": (lambda w: [w.other["group"].pk], STAFF_ONLY),
    "affinity:roster-decide": (
        lambda w: [w.other["group"].pk, w.other["group_member"].pk],
        signed_in(NOT_ALLOWED),
    ),
    "affinity:meeting-create": (lambda w: [w.other["group"].pk], STAFF_ONLY),
    "affinity:meeting-detail": (
        lambda w: [w.other["group"].pk, w.other["meeting"].pk],
        signed_in(OK),
    ),
    "affinity:meeting-edit": (
        lambda w: [w.other["group"].pk, w.other["meeting"].pk],
        STAFF_ONLY,
    ),
    "affinity:meeting-notes": (
        lambda w: [w.other["group"].pk, w.other["meeting"].pk],
        STAFF_ONLY,
    ),
    "affinity:attendance": (
        lambda w: [w.other["group"].pk, w.other["meeting"].pk],
        STAFF_ONLY,
    ),
    "affinity:checkins": (lambda w: [w.other["group"].pk], STAFF_ONLY),
    "affinity:checkin": (lambda w: [w.other["group"].pk, "midpoint"], STAFF_ONLY),
    "affinity:email": (lambda w: [w.other["group"].pk], STAFF_ONLY),
    "affinity:surveys-create": (
        lambda w: [w.other["group"].pk],
        signed_in(NOT_ALLOWED),
    ),
    "affinity:drawing": (lambda w: [w.other["group"].pk], signed_in(OK)),
    "affinity:report": (None, STAFF_ONLY),
    "affinity:report-csv": (lambda w: ["attendance"], STAFF_ONLY),
    "surveys:survey-report": (lambda w: [w.other["survey"].pk], STAFF_ONLY),
    "surveys:answer": (lambda w: ["not-a-real-token"], everyone(GONE)),
    "surveys:answer-signed-in": (lambda w: [w.other["survey"].pk], signed_in(GONE)),
    "surveys:thanks": (lambda w: [w.other["survey"].pk], everyone(OK)),
    "surveys:survey-create": (None, STAFF_ONLY),
    "surveys:survey-builder": (lambda w: [w.other["survey"].pk], STAFF_ONLY),
    "surveys:survey-edit": (lambda w: [w.other["survey"].pk], STAFF_ONLY),
    "surveys:survey-open": (lambda w: [w.other["survey"].pk], everyone(NOT_ALLOWED)),
    "surveys:survey-schedule": (
        lambda w: [w.other["survey"].pk],
        everyone(NOT_ALLOWED),
    ),
    "surveys:survey-close": (lambda w: [w.other["survey"].pk], everyone(NOT_ALLOWED)),
    "surveys:survey-copy": (lambda w: [w.other["survey"].pk], everyone(NOT_ALLOWED)),
    "surveys:section-create": (lambda w: [w.other["survey"].pk], STAFF_ONLY),
    "surveys:section-edit": (lambda w: [999999], only({"staff": GONE})),
    "surveys:section-delete": (lambda w: [999999], everyone(NOT_ALLOWED)),
    "surveys:section-move": (lambda w: [999999], everyone(NOT_ALLOWED)),
    "surveys:question-create": (lambda w: [999999], only({"staff": GONE})),
    "surveys:question-edit": (lambda w: [999999], only({"staff": GONE})),
    "surveys:question-delete": (lambda w: [999999], everyone(NOT_ALLOWED)),
    "surveys:question-move": (lambda w: [999999], everyone(NOT_ALLOWED)),
    "surveys:survey-report-csv": (lambda w: [w.other["survey"].pk], STAFF_ONLY),
    "surveys:capacity-compare": (lambda w: [w.other["survey"].pk], STAFF_ONLY),
    "surveys:capacity-compare-csv": (lambda w: [w.other["survey"].pk], STAFF_ONLY),
    "cohorts:year-overview": (lambda w: [w.other["award"].pk], YEAR_OTHER),
    "cohorts:workplan-detail": (lambda w: [w.other["award"].pk], YEAR_OTHER),
    "cohorts:workplan-timeline": (lambda w: [w.other["award"].pk], YEAR_OTHER),
    "cohorts:workplan-version": (
        lambda w: [w.other["award"].pk, 1],
        {**YEAR_OTHER, "staff": GONE},
    ),
    "cohorts:goal-create": (lambda w: [w.other["award"].pk], YEAR_OTHER),
    "cohorts:goal-edit": (
        lambda w: [w.other["award"].pk, 999999],
        {**YEAR_OTHER, "staff": GONE},
    ),
    "cohorts:goal-delete": (
        lambda w: [w.other["award"].pk, 999999],
        everyone(NOT_ALLOWED),
    ),
    "cohorts:activity-status": (
        lambda w: [w.other["award"].pk, 999999],
        everyone(NOT_ALLOWED),
    ),
    "cohorts:workplan-submit": (
        lambda w: [w.other["award"].pk],
        everyone(NOT_ALLOWED),
    ),
    "cohorts:workplan-review": (
        lambda w: [w.other["award"].pk],
        everyone(NOT_ALLOWED),
    ),
    "cohorts:success-goal": (lambda w: [w.other["award"].pk], YEAR_OTHER),
    "cohorts:progress-create": (lambda w: [w.other["award"].pk], YEAR_OTHER),
    "cohorts:action-logs": (lambda w: [w.other["award"].pk], YEAR_OTHER),
    "cohorts:log-comment": (
        lambda w: [w.other["award"].pk, 999999],
        everyone(NOT_ALLOWED),
    ),
    "cohorts:checkin-notes": (lambda w: [w.other["award"].pk], YEAR_OTHER),
    "cohorts:checkin-note-create": (
        lambda w: [w.other["award"].pk],
        only({"mentor": GONE, "staff": OK}),
    ),
    "cohorts:personnel-report": (lambda w: [w.other["award"].pk], YEAR_OTHER),
    "cohorts:personnel-list": (None, STAFF_ONLY),
    "cohorts:personnel-apply": (lambda w: [999999], everyone(NOT_ALLOWED)),
    "cohorts:event-list": (lambda w: [w.other["mentorship"].pk], YEAR_OTHER),
    "cohorts:event-create": (
        lambda w: [w.other["mentorship"].pk],
        only({"mentor": GONE, "staff": OK}),
    ),
    "cohorts:event-series": (
        lambda w: [w.other["mentorship"].pk],
        only({"mentor": GONE, "staff": OK}),
    ),
    "cohorts:event-detail": (lambda w: [w.other["event"].pk], YEAR_OTHER),
    "cohorts:event-attendance": (
        lambda w: [w.other["event"].pk],
        only({"mentor": GONE, "staff": OK}),
    ),
    "cohorts:calendar": (None, signed_in(OK)),
    "cohorts:calendar-reset": (None, everyone(NOT_ALLOWED)),
    "cohorts:calendar-feed": (lambda w: ["x" * 43], everyone(GONE)),
    "awards:rounds": (None, STAFF_ONLY),
    "awards:reports-waiting": (None, only({"mentor": OK, "staff": OK})),
    "awards:round": (lambda w: [w.other["round"].pk], STAFF_ONLY),
    "awards:letter-template": (lambda w: [w.other["round"].pk], STAFF_ONLY),
    "awards:schedule": (lambda w: [w.other["round"].pk], STAFF_ONLY),
    "awards:report-questions": (lambda w: [w.other["round"].pk], STAFF_ONLY),
    "awards:payments": (lambda w: [w.other["round"].pk], STAFF_ONLY),
    "awards:payments-csv": (lambda w: [w.other["round"].pk], STAFF_ONLY),
    "awards:funder-report": (lambda w: [w.other["round"].pk], STAFF_ONLY),
    "awards:funder-report-pdf": (lambda w: [w.other["round"].pk], STAFF_ONLY),
    "awards:funder-report-csv": (lambda w: [w.other["round"].pk], STAFF_ONLY),
    "awards:funder-report-refresh": (
        lambda w: [w.other["round"].pk],
        everyone(NOT_ALLOWED),
    ),
    "awards:tranche-pay": (lambda w: [w.other["tranche"].pk], STAFF_ONLY),
    "awards:award": (lambda w: [w.other["award"].pk], AWARD_OTHER),
    "awards:letter-issue": (lambda w: [w.other["award"].pk], everyone(NOT_ALLOWED)),
    "awards:letter-accept": (lambda w: [w.other["award"].pk], everyone(NOT_ALLOWED)),
    "awards:letter-upload": (lambda w: [w.other["award"].pk], everyone(NOT_ALLOWED)),
    "awards:letter-countersign": (
        lambda w: [w.other["award"].pk],
        everyone(NOT_ALLOWED),
    ),
    "awards:letter-pdf": (
        lambda w: [w.other["award"].pk, w.other["letter"].number],
        AWARD_OTHER,
    ),
    # The letter has no signed copy yet.
    "awards:letter-signed": (
        lambda w: [w.other["award"].pk, w.other["letter"].number],
        {**AWARD_OTHER, "staff": GONE},
    ),
    "awards:report": (lambda w: [w.other["award"].pk], AWARD_OTHER),
    "awards:report-submit": (lambda w: [w.other["award"].pk], everyone(NOT_ALLOWED)),
    "awards:report-comment": (
        lambda w: [w.other["award"].pk],
        everyone(NOT_ALLOWED),
    ),
    "awards:report-decide": (lambda w: [w.other["award"].pk], everyone(NOT_ALLOWED)),
    "awards:report-attach": (lambda w: [w.other["award"].pk], everyone(NOT_ALLOWED)),
    "awards:report-detach": (
        lambda w: [w.other["award"].pk, 999999],
        everyone(NOT_ALLOWED),
    ),
    # No report filed yet: no version, no file.
    "awards:report-version": (
        lambda w: [w.other["award"].pk, 1],
        {**AWARD_OTHER, "staff": GONE},
    ),
    "awards:report-file": (
        lambda w: [w.other["award"].pk, w.other["letter"].document_id],
        {**AWARD_OTHER, "staff": GONE},
    ),
    "resources:list": (None, everyone(OK)),
    "resources:mine": (None, only({"mentor": OK, "mentee": OK, "alumni": OK})),
    "resources:create": (None, only({"mentor": OK, "mentee": OK, "alumni": OK})),
    "resources:review-list": (None, STAFF_ONLY),
    # Another organization's draft: its mentor and mentees do not reach it.
    "resources:edit": (
        lambda w: [w.other["resource"].pk],
        only({"mentor": GONE, "mentee": GONE, "alumni": GONE}),
    ),
    "resources:submit": (lambda w: [w.other["resource"].pk], everyone(NOT_ALLOWED)),
    "resources:review": (lambda w: [w.other["resource"].pk], everyone(NOT_ALLOWED)),
    "resources:withdraw": (
        lambda w: [w.other["resource"].pk],
        everyone(NOT_ALLOWED),
    ),
    "resources:detail": (
        lambda w: [w.other["resource"].slug],
        {**everyone(GONE), "staff": OK},
    ),
    "resources:file": (lambda w: [w.other["resource"].slug], everyone(GONE)),
    # A round's questions, webinars and timeline: public pages for everyone;
    # askers, registrants and the queue for staff only.
    "applications:round-questions": (lambda w: [w.other["round"].slug], everyone(OK)),
    "applications:question-confirm": (lambda w: ["bad-token"], everyone("400")),
    "applications:round-webinars": (lambda w: [w.other["round"].slug], everyone(OK)),
    "applications:webinar-register": (lambda w: [w.other["webinar"].pk], everyone(OK)),
    "applications:webinar-registration": (lambda w: ["bad-token"], everyone(GONE)),
    "applications:webinar-registration-ics": (
        lambda w: ["bad-token"],
        everyone(GONE),
    ),
    "applications:round-timeline-ics": (
        lambda w: [w.other["round"].slug],
        everyone(OK),
    ),
    "applications:staff-questions": (lambda w: [w.other["round"].slug], STAFF_ONLY),
    "applications:staff-question-answer": (
        lambda w: [w.other["question"].pk],
        STAFF_ONLY,
    ),
    "applications:staff-question-dismiss": (
        lambda w: [w.other["question"].pk],
        everyone(NOT_ALLOWED),
    ),
    "applications:staff-faq-create": (lambda w: [w.other["round"].slug], STAFF_ONLY),
    "applications:staff-faq-edit": (
        lambda w: [w.other["round"].slug, w.other["faq"].pk],
        STAFF_ONLY,
    ),
    "applications:staff-timeline": (lambda w: [w.other["round"].slug], STAFF_ONLY),
    "applications:staff-milestone-edit": (
        lambda w: [w.other["round"].slug, w.other["milestone"].pk],
        STAFF_ONLY,
    ),
    "applications:staff-milestone-delete": (
        lambda w: [w.other["round"].slug, w.other["milestone"].pk],
        everyone(NOT_ALLOWED),
    ),
    "applications:staff-webinars": (lambda w: [w.other["round"].slug], STAFF_ONLY),
    "applications:staff-webinar-edit": (
        lambda w: [w.other["round"].slug, w.other["webinar"].pk],
        STAFF_ONLY,
    ),
    "applications:staff-webinar-registrations": (
        lambda w: [w.other["round"].slug, w.other["webinar"].pk],
        STAFF_ONLY,
    ),
    "applications:staff-webinar-registrations-csv": (
        lambda w: [w.other["round"].slug, w.other["webinar"].pk],
        STAFF_ONLY,
    ),
    # The peer network: participants (mentors, mentees, alumni, staff) use the
    # directory; another organization's profile is readable by participants
    # only, editable by nobody else; introductions of others answer 404 to
    # everyone (staff read them in the report and the admin).
    "peers:directory": (None, only({p: OK for p in PARTICIPANTS})),
    "peers:network": (None, signed_in(OK)),
    "peers:my-profile": (None, signed_in(REDIRECT)),
    "peers:profile-detail": (
        lambda w: [w.other["profile"].pk],
        {**signed_in(GONE), **{p: OK for p in PARTICIPANTS}},
    ),
    "peers:profile-edit": (lambda w: [w.other["profile"].pk], signed_in(GONE)),
    "peers:profile-prefill": (
        lambda w: [w.other["profile"].pk],
        everyone(NOT_ALLOWED),
    ),
    # The form needs an organization of one's own: staff and reviewers have none.
    "peers:introduction-request": (
        lambda w: [w.other["profile"].pk],
        {**signed_in(GONE), "mentor": OK, "mentee": OK, "alumni": OK},
    ),
    "peers:block": (lambda w: [w.other["profile"].pk], everyone(NOT_ALLOWED)),
    "peers:unblock": (lambda w: [w.other["block"].pk], everyone(NOT_ALLOWED)),
    "peers:introduction-detail": (lambda w: [w.other["intro"].pk], signed_in(GONE)),
    "peers:introduction-respond": (
        lambda w: [w.other["intro"].pk],
        everyone(NOT_ALLOWED),
    ),
    "peers:introduction-withdraw": (
        lambda w: [w.other["intro"].pk],
        everyone(NOT_ALLOWED),
    ),
    "peers:introduction-broker": (None, only({"mentor": OK, "staff": OK})),
    "peers:alumni-home": (None, only({"alumni": OK})),
    "peers:group-move-suggest": (
        lambda w: [w.other["group_member"].pk],
        {**signed_in(GONE), "staff": OK},
    ),
    "peers:group-move-respond": (
        lambda w: [w.other["move"].pk],
        everyone(NOT_ALLOWED),
    ),
    "peers:report": (None, STAFF_ONLY),
    # Challenges and discussions: another cohort's challenge, thread, post and
    # reply answer 404 to everyone but staff; POST-only URLs 405.
    "discussions:challenges": (None, only({p: OK for p in PARTICIPANTS})),
    "discussions:challenge-create": (None, only({p: OK for p in PARTICIPANTS})),
    "discussions:challenge": (
        lambda w: [w.other["challenge"].pk],
        {**signed_in(GONE), "staff": OK},
    ),
    "discussions:challenge-reply": (
        lambda w: [w.other["challenge"].pk],
        {**signed_in(GONE), "staff": REDIRECT},
    ),
    "discussions:challenge-close": (
        lambda w: [w.other["challenge"].pk],
        signed_in(NOT_ALLOWED),
    ),
    "discussions:challenge-bring": (
        lambda w: [w.other["challenge"].pk],
        signed_in(NOT_ALLOWED),
    ),
    "discussions:reply-helpful": (
        lambda w: [w.other["reply"].pk],
        signed_in(NOT_ALLOWED),
    ),
    "discussions:reply-hide": (
        lambda w: [w.other["reply"].pk],
        signed_in(NOT_ALLOWED),
    ),
    "discussions:spaces": (None, only({"mentor": OK, "mentee": OK, "staff": OK})),
    "discussions:search": (None, only({p: OK for p in PARTICIPANTS})),
    "discussions:activity": (None, only({"mentor": OK, "staff": OK})),
    "discussions:email-settings": (None, signed_in(OK)),
    "discussions:space": (
        lambda w: ["cohort", w.other["mentorship"].pk],
        {**signed_in(GONE), "staff": OK},
    ),
    "discussions:thread-create": (
        lambda w: ["cohort", w.other["mentorship"].pk],
        {**signed_in(GONE), "staff": OK},
    ),
    "discussions:meeting-thread": (
        lambda w: ["cohort", w.other["mentorship"].pk, w.other["event"].pk],
        signed_in(NOT_ALLOWED),
    ),
    "discussions:thread": (
        lambda w: [w.other["thread"].pk],
        {**signed_in(GONE), "staff": OK},
    ),
    "discussions:post-create": (
        lambda w: [w.other["thread"].pk],
        {**signed_in(GONE), "staff": REDIRECT},
    ),
    "discussions:thread-lock": (
        lambda w: [w.other["thread"].pk],
        signed_in(NOT_ALLOWED),
    ),
    "discussions:post-hide": (
        lambda w: [w.other["post"].pk],
        signed_in(NOT_ALLOWED),
    ),
    "discussions:signin": (lambda w: ["bad-token"], everyone("400")),
    "discussions:unsubscribe": (lambda w: ["bad-token"], everyone("400")),
    "peers:report-svg": (None, STAFF_ONLY),
    "peers:report-csv": (lambda w: ["connections"], STAFF_ONLY),
    # The API's pages: one's own tokens; staff's webhook endpoints.
    "api:token-list": (None, signed_in(OK)),
    "api:token-revoke": (lambda w: [999999], everyone(NOT_ALLOWED)),
    "api:endpoint-list": (None, STAFF_ONLY),
    "api:endpoint-create": (None, STAFF_ONLY),
    "api:endpoint-detail": (lambda w: [w.other["endpoint"].pk], STAFF_ONLY),
    "api:endpoint-edit": (lambda w: [w.other["endpoint"].pk], STAFF_ONLY),
    "api:endpoint-rotate": (
        lambda w: [w.other["endpoint"].pk],
        everyone(NOT_ALLOWED),
    ),
    "api:endpoint-ping": (lambda w: [w.other["endpoint"].pk], everyone(NOT_ALLOWED)),
    "api:delivery-redeliver": (lambda w: [999999], everyone(NOT_ALLOWED)),
    # The documentation and the OpenAPI document are public.
    "api:docs": (None, everyone(OK)),
    "api:schema": (None, everyone(OK)),
}

# The JSON API, with a token of the role's user (no token for anonymous).
# Another organization's or cohort's ids answer 404 where the role reads the
# resource at all, as on the pages.
API_SIGNED_IN = signed_in(OK, anonymous=NO_TOKEN)
API_STAFF = only({"staff": OK}, anonymous=NO_TOKEN)
API_ROUTES: dict[str, tuple] = {
    "api:api-root": (None, API_SIGNED_IN),
    "api:me": (None, API_SIGNED_IN),
    "api:round-list": (None, everyone(OK)),
    "api:round-detail": (lambda w: [w.other["round"].slug], everyone(OK)),
    "api:mentorship-list": (None, everyone(OK)),
    "api:mentorship-detail": (lambda w: [w.other["mentorship"].pk], everyone(OK)),
    "api:application-list": (
        None,
        only({"staff": OK, "applicant": OK}, anonymous=NO_TOKEN),
    ),
    "api:application-detail": (
        lambda w: [w.other["application"].pk],
        only({"staff": OK, "applicant": GONE}, anonymous=NO_TOKEN),
    ),
    # A write: GET is not allowed, once the role may reach it at all.
    "api:application-decision": (
        lambda w: [w.other["application"].pk],
        only({"staff": NOT_ALLOWED}, anonymous=NO_TOKEN),
    ),
    "api:assignment-list": (None, only({"reviewer": OK}, anonymous=NO_TOKEN)),
    "api:assignment-detail": (
        lambda w: [999999],
        only({"reviewer": GONE}, anonymous=NO_TOKEN),
    ),
    "api:review-list": (None, only({"reviewer": OK}, anonymous=NO_TOKEN)),
    "api:review-detail": (
        lambda w: [999999],
        only({"reviewer": GONE}, anonymous=NO_TOKEN),
    ),
    "api:award-list": (None, API_STAFF),
    "api:award-detail": (lambda w: [w.other["award"].pk], API_STAFF),
    "api:cohort-member-list": (
        None,
        only({"staff": OK, "mentor": OK}, anonymous=NO_TOKEN),
    ),
    "api:cohort-member-detail": (
        lambda w: [w.other["member"].pk],
        only({"staff": OK, "mentor": GONE}, anonymous=NO_TOKEN),
    ),
    "api:event-list": (None, API_SIGNED_IN),
    "api:event-detail": (
        lambda w: [w.other["event"].pk],
        {**signed_in(GONE, anonymous=NO_TOKEN), "staff": OK},
    ),
    "api:event-attendance": (
        lambda w: [w.other["event"].pk],
        signed_in(NOT_ALLOWED, anonymous=NO_TOKEN),
    ),
    "api:attendance-list": (
        None,
        only({"staff": OK, "mentor": OK}, anonymous=NO_TOKEN),
    ),
    "api:attendance-detail": (
        lambda w: [999999],
        only({"staff": GONE, "mentor": GONE}, anonymous=NO_TOKEN),
    ),
    "api:measure-list": (None, API_SIGNED_IN),
    "api:measure-detail": (
        lambda w: [999999],
        signed_in(GONE, anonymous=NO_TOKEN),
    ),
    "api:measure-progress": (
        lambda w: [999999],
        signed_in(NOT_ALLOWED, anonymous=NO_TOKEN),
    ),
    "api:affinity-group-list": (None, API_SIGNED_IN),
    "api:affinity-group-detail": (lambda w: [w.other["group"].pk], API_SIGNED_IN),
    "api:affinity-meeting-list": (None, API_SIGNED_IN),
    "api:affinity-meeting-detail": (
        lambda w: [w.other["meeting"].pk],
        API_SIGNED_IN,
    ),
    # Every signed-in user may ask; only staff and a group's leaders and
    # support staff get rows.
    "api:affinity-attendance-list": (None, API_SIGNED_IN),
    "api:affinity-attendance-detail": (
        lambda w: [999999],
        signed_in(GONE, anonymous=NO_TOKEN),
    ),
    "api:collaboration-profile-list": (None, API_SIGNED_IN),
    # As the profile's page: participants read it, others get 404.
    "api:collaboration-profile-detail": (
        lambda w: [w.other["profile"].pk],
        {**signed_in(GONE, anonymous=NO_TOKEN), **{p: OK for p in PARTICIPANTS}},
    ),
    "api:report-program": (None, API_STAFF),
    "api:report-survey": (lambda w: [w.other["survey"].pk], API_STAFF),
    "api:report-affinity-attendance": (None, API_STAFF),
}


def url_names(resolver=None, prefix="") -> list[tuple[str, URLPattern]]:
    """Every named URL of the portal (the admin's own pages aside)."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            ns = entry.namespace
            found += url_names(entry, f"{prefix}{ns}:" if ns else prefix)
        elif entry.name:
            found.append((prefix + entry.name, entry))
    return found


def test_every_url_has_a_row_in_the_table():
    """A URL added without saying who may open it fails here."""
    missing = sorted(
        {name for name, _ in url_names()} - set(EXPECTED) - set(API_ROUTES)
    )
    assert not missing, f"add these URLs to EXPECTED or API_ROUTES: {missing}"


def answer(response) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        return LOGIN if "/accounts/login/" in location else REDIRECT
    return str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_expected_answer_everywhere(world, client, role):
    user = world.users[role]
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    wrong = []
    for name, (args, expected) in sorted(EXPECTED.items()):
        url = reverse(name, args=args(world) if args else None)
        response = client.get(url)
        got = answer(response)
        if got != expected[role]:
            said = response.content[:300].decode(errors="replace")
            wrong.append(
                f"{name} ({url}): expected {expected[role]}, got {got}: {said}"
            )
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_expected_answer_from_the_api(world, role):
    from rest_framework.test import APIClient

    from api.services import token_create

    client = APIClient()
    user = world.users[role]
    if user is not None:
        _token, secret = token_create(user=user, name="Permission matrix")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    wrong = []
    for name, (args, expected) in sorted(API_ROUTES.items()):
        url = reverse(name, args=args(world) if args else None)
        got = answer(client.get(url, HTTP_ACCEPT="application/json"))
        if got != expected[role]:
            wrong.append(f"{name} ({url}): expected {expected[role]}, got {got}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
