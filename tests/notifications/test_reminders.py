"""Reminder rules run by beat: each reminder once, to the right people, on time."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection

from applications.models import Application, Award
from cohorts.models import CohortMember
from dashmentor.models import Membership
from notifications.models import Kind, Message, Preference, ReminderRule
from notifications.reminders import reminders_scan
from notifications.tasks import reminders_scan_task
from tests import factories
from tests.notifications.factories import (
    EventFactory,
    MeetingFactory,
    WorkPlanFactory,
)

pytestmark = pytest.mark.django_db

CLOSES = dt.datetime(2030, 5, 15, 19, 30, tzinfo=dt.UTC)  # 3:30 pm in New York


def at(moment, time_machine):
    time_machine.move_to(moment, tick=False)


@pytest.fixture
def draft(time_machine):
    """A draft started three weeks before the deadline by an org of two people."""
    at(CLOSES - dt.timedelta(days=21), time_machine)
    round_ = factories.RoundFactory(
        name="Round 2030",
        opens_at=CLOSES - dt.timedelta(days=30),
        closes_at=CLOSES,
    )
    application = factories.ApplicationFactory(
        round=round_, created_by__email="lead@example.org"
    )
    colleague = factories.UserFactory(
        email="colleague@example.org", time_zone="America/Los_Angeles"
    )
    Membership.objects.create(
        user=colleague, organization=application.organization, role="member"
    )
    return application


def deadline_messages():
    return Message.objects.filter(kind=Kind.DEADLINE_REMINDER)


def test_seven_day_reminder_goes_once_to_each_member_of_the_drafting_org(
    draft, time_machine, django_capture_on_commit_callbacks
):
    """A week before the deadline both members get one reminder, however often
    the scan runs, with the closing time in their own zone and a link."""
    submitted = factories.ApplicationFactory(
        round=draft.round, status=Application.Status.SUBMITTED
    )
    at(CLOSES - dt.timedelta(days=7) + dt.timedelta(hours=1), time_machine)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_scan()
        reminders_scan()
        reminders_scan_task.delay()
    messages = {m.to_email: m for m in deadline_messages()}
    assert set(messages) == {"lead@example.org", "colleague@example.org"}
    assert submitted.created_by.email not in messages
    lead = messages["lead@example.org"]
    assert lead.idempotency_key.endswith(f"deadline:{draft.round.pk}:{draft.pk}:7d")
    assert "closes in 6 days" in lead.subject
    assert "3:30 PM (America/New York)" in lead.body_text
    assert (
        "12:30 PM (America/Los Angeles)" in messages["colleague@example.org"].body_text
    )
    assert f"/apply/applications/{draft.pk}/" in lead.body_text
    assert len(mail.outbox) == 2


def test_one_day_reminder_follows_and_nothing_after_the_deadline(draft, time_machine):
    at(CLOSES - dt.timedelta(days=7, hours=-1), time_machine)
    reminders_scan()
    at(CLOSES - dt.timedelta(hours=20), time_machine)
    reminders_scan()
    reminders_scan()
    at(CLOSES + dt.timedelta(minutes=1), time_machine)
    reminders_scan()
    keys = sorted(
        k.rsplit(":", 1)[1]
        for k in deadline_messages().values_list("idempotency_key", flat=True)
    )
    assert keys == ["1d", "1d", "7d", "7d"]


def test_submitted_application_gets_no_more_reminders(draft, time_machine):
    Application.objects.filter(pk=draft.pk).update(status=Application.Status.SUBMITTED)
    at(CLOSES - dt.timedelta(hours=20), time_machine)
    reminders_scan()
    assert not deadline_messages().exists()


def test_draft_started_after_the_week_mark_gets_only_the_last_day_reminder(
    time_machine,
):
    """No "one week left" e-mail for a draft started five days before."""
    at(CLOSES - dt.timedelta(days=5), time_machine)
    round_ = factories.RoundFactory(
        opens_at=CLOSES - dt.timedelta(days=30), closes_at=CLOSES
    )
    factories.ApplicationFactory(round=round_)
    reminders_scan()
    assert not deadline_messages().exists()
    at(CLOSES - dt.timedelta(hours=12), time_machine)
    reminders_scan()
    assert deadline_messages().get().idempotency_key.endswith(":1d")


def test_round_rule_overrides_the_offsets_and_an_inactive_rule_stops_them(
    draft, time_machine
):
    rule = ReminderRule.objects.create(
        round=draft.round, kind=Kind.DEADLINE_REMINDER, offsets_days=[3]
    )
    at(CLOSES - dt.timedelta(days=6), time_machine)
    reminders_scan()
    assert not deadline_messages().exists()
    at(CLOSES - dt.timedelta(days=2, hours=23), time_machine)
    reminders_scan()
    assert deadline_messages().count() == 2
    rule.active = False
    rule.save()
    at(CLOSES - dt.timedelta(hours=5), time_machine)
    reminders_scan()
    assert deadline_messages().count() == 2


def test_a_user_who_turned_deadline_reminders_off_gets_none(
    draft, time_machine, django_capture_on_commit_callbacks
):
    user = draft.created_by
    Preference.objects.create(user=user, kind=Kind.DEADLINE_REMINDER, enabled=False)
    at(CLOSES - dt.timedelta(days=6), time_machine)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_scan()
    mine = deadline_messages().get(to_email=user.email)
    assert mine.status == Message.Status.SUPPRESSED
    assert [m.to for m in mail.outbox] == [["colleague@example.org"]]


def test_work_plan_due_reminds_the_active_mentees(time_machine):
    """A draft work plan due in a week reminds the active cohort members."""
    at(dt.datetime(2030, 2, 1, 15, tzinfo=dt.UTC), time_machine)
    plan = WorkPlanFactory(due_on=dt.date(2030, 3, 1))
    factories.CohortMemberFactory(award=plan.award, user__email="m1@example.org")
    factories.CohortMemberFactory(
        award=plan.award,
        role=CohortMember.Role.COLLEAGUE,
        user__email="gone@example.org",
        active=False,
    )
    approved = WorkPlanFactory(due_on=dt.date(2030, 3, 1), status="approved")
    factories.CohortMemberFactory(award=approved.award, user__email="ok@example.org")
    # Due "on" March 1 means until the end of that day in the round's zone.
    at(dt.datetime(2030, 2, 23, 6, tzinfo=dt.UTC), time_machine)
    reminders_scan()
    reminders_scan()
    message = Message.objects.get(kind=Kind.WORKPLAN_REMINDER)
    assert message.to_email == "m1@example.org"
    assert "Friday, March 1, 2030" in message.body_text
    assert message.idempotency_key.endswith(f"workplan:{plan.pk}:20300301:7d")


def test_event_reminder_a_day_before_to_active_mentees_and_mentors(time_machine):
    at(dt.datetime(2030, 4, 1, 12, tzinfo=dt.UTC), time_machine)
    mentor = factories.UserFactory(email="mentor@example.org")
    mentorship = factories.MentorshipFactory(mentors=[mentor])
    award_a = factories.AwardFactory(mentorship=mentorship)
    award_b = factories.AwardFactory(mentorship=mentorship)
    factories.CohortMemberFactory(award=award_a, user__email="a@example.org")
    factories.CohortMemberFactory(award=award_b, user__email="b@example.org")
    factories.CohortMemberFactory(
        award=award_b,
        role=CohortMember.Role.COLLEAGUE,
        user__email="left@example.org",
        active=False,
    )
    withdrawn = factories.AwardFactory(
        mentorship=mentorship, status=Award.Status.WITHDRAWN
    )
    factories.CohortMemberFactory(award=withdrawn, user__email="w@example.org")
    other = factories.CohortMemberFactory(user__email="other@example.org")
    starts = dt.datetime(2030, 4, 10, 17, tzinfo=dt.UTC)
    webinar = EventFactory(mentorship=mentorship, starts_at=starts)
    EventFactory(
        mentorship=other.award.mentorship, starts_at=starts + dt.timedelta(days=5)
    )
    check_in = EventFactory(
        mentorship=mentorship, kind="check_in", award=award_a, starts_at=starts
    )

    at(starts - dt.timedelta(hours=30), time_machine)
    reminders_scan()
    assert not Message.objects.filter(kind=Kind.EVENT_REMINDER).exists()
    at(starts - dt.timedelta(hours=23), time_machine)
    reminders_scan()
    reminders_scan()
    sent = Message.objects.filter(kind=Kind.EVENT_REMINDER)
    webinar_to = {
        m.to_email for m in sent if f"event:{webinar.pk}:" in m.idempotency_key
    }
    check_in_to = {
        m.to_email for m in sent if f"event:{check_in.pk}:" in m.idempotency_key
    }
    assert webinar_to == {"a@example.org", "b@example.org", "mentor@example.org"}
    assert check_in_to == {"a@example.org", "mentor@example.org"}
    body = sent.filter(to_email="a@example.org").first().body_text
    assert "1:00 PM (America/New York)" in body
    assert "https://meet.example.org/dash" in body


def test_group_meeting_reminder_to_admitted_members_and_leaders(time_machine):
    from affinity.models import GroupMember

    at(dt.datetime(2030, 4, 1, 12, tzinfo=dt.UTC), time_machine)
    leader = factories.UserFactory(email="leader@example.org")
    meeting = MeetingFactory(starts_at=dt.datetime(2030, 4, 2, 16, tzinfo=dt.UTC))
    meeting.group.leaders.add(leader)
    for email, status in [
        ("in@example.org", GroupMember.Status.ADMITTED),
        ("asked@example.org", GroupMember.Status.REQUESTED),
    ]:
        GroupMember.objects.create(
            group=meeting.group, user=factories.UserFactory(email=email), status=status
        )
    at(dt.datetime(2030, 4, 1, 17, tzinfo=dt.UTC), time_machine)
    reminders_scan()
    assert set(
        Message.objects.filter(kind=Kind.EVENT_REMINDER).values_list(
            "to_email", flat=True
        )
    ) == {"in@example.org", "leader@example.org"}


def test_award_offer_expiring_and_contract_ending_remind_the_organization(
    time_machine,
):
    at(dt.datetime(2030, 6, 1, 12, tzinfo=dt.UTC), time_machine)
    offered = factories.AwardFactory(
        status=Award.Status.OFFERED,
        offer_expires_at=dt.datetime(2030, 6, 8, 12, tzinfo=dt.UTC),
        contract_start=dt.date(2030, 9, 1),
    )
    ending = factories.AwardFactory(
        status=Award.Status.CONTRACTED,
        contract_start=dt.date(2029, 9, 1),
        contract_end=dt.date(2030, 6, 19),
    )
    at(dt.datetime(2030, 6, 6, 13, tzinfo=dt.UTC), time_machine)
    reminders_scan()
    reminders_scan()
    milestones = Message.objects.filter(kind=Kind.AWARD_MILESTONE)
    by_award = {
        m.idempotency_key.split("award:")[1].split(":")[0]: m for m in milestones
    }
    assert set(by_award) == {str(offered.pk), str(ending.pk)}
    assert "expires in 1 day" in by_award[str(offered.pk)].subject
    assert "ends in 13 days" in by_award[str(ending.pk)].subject
    assert milestones.count() == 2
    assert by_award[str(offered.pk)].to_email == offered.application.created_by.email


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_the_same_moment_write_each_reminder_once(draft, time_machine):
    """Two beats firing at once: the unique key lets one insert win."""
    at(CLOSES - dt.timedelta(days=6), time_machine)
    barrier = threading.Barrier(2)
    errors = []

    def scan():
        try:
            barrier.wait()
            reminders_scan()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert deadline_messages().count() == 2
