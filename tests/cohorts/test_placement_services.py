"""Placement services: preview, moves, commit, awards, waitlist and invitations."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from applications.models import Award, Decision
from cohorts.models import CohortMember, PlacementConstraint, PlacementRun
from cohorts.placement import services
from cohorts.placement.tasks import award_offers_expire_task
from dashmentor.models import AuditEvent, User
from dashmentor.roles import Role, has_role
from notifications.models import Kind, Message
from tests import factories
from tests.cohorts.placement_factories import applicant, mentorships

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return factories.StaffFactory(full_name="Pat Okafor")


@pytest.fixture
def round_():
    return factories.RoundFactory(awards_count=10, waitlist_offer_days=7)


def _entry(run, application):
    return run.entries.get(application=application)


def test_preview_places_by_score_and_preference_and_explains(round_, staff):
    """The higher score gets the contested seat; the other gets its 2nd choice."""
    a, b = mentorships(round_, [1, 1])
    high = applicant(round_, prefs=[a, b], score="4.5", name="High Org")
    low = applicant(round_, prefs=[a, b], score="2.0", name="Low Org")
    run = services.placement_preview(round=round_, by=staff)
    assert run.status == PlacementRun.Status.PREVIEW
    assert _entry(run, high).mentorship == a
    assert _entry(run, high).choice == 1
    assert _entry(run, low).mentorship == b
    assert _entry(run, low).choice == 2
    assert "1st choice" in _entry(run, high).explanation
    assert "higher scores" in _entry(run, low).explanation
    assert run.objective and "2 of 2 applicants placed" in run.objective_text


def test_bad_input_lists_the_unplaced_with_reasons(round_, staff):
    """No preference, a zero-capacity mentorship, more accepted than seats: no
    crash, each unplaced applicant has its reason."""
    full, zero = mentorships(round_, [1, 0])
    none = applicant(round_, prefs=[], score="5")
    only_zero = applicant(round_, prefs=[zero], score="4")
    first = applicant(round_, prefs=[full], score="3")
    second = applicant(round_, prefs=[full], score="2")
    run = services.placement_preview(round=round_, by=staff)
    assert _entry(run, first).mentorship == full
    for app in (none, only_zero, second):
        assert _entry(run, app).mentorship is None
    assert "No mentorship preference" in _entry(run, none).explanation
    assert "no capacity" in _entry(run, only_zero).explanation
    assert "higher scores" in _entry(run, second).explanation


def test_preview_with_nobody_to_place_is_refused(round_, staff):
    mentorships(round_, [2])
    with pytest.raises(ValidationError) as exc:
        services.placement_preview(round=round_, by=staff)
    assert exc.value.messages == [services.NOTHING_TO_PLACE]


def test_pins_and_exclusions_are_honoured(round_, staff):
    """A pin places an applicant where it did not rank; a forbidden pair is
    never used, even for a first choice."""
    a, b = mentorships(round_, [2, 2])
    pinned = applicant(round_, prefs=[a], score="3")
    barred = applicant(round_, prefs=[a, b], score="4")
    services.placement_constraint_create(
        application=pinned, mentorship=b, kind="pin", note="", by=staff
    )
    services.placement_constraint_create(
        application=barred,
        mentorship=a,
        kind="forbid",
        note="Board member of the mentor organization",
        by=staff,
    )
    run = services.placement_preview(round=round_, by=staff)
    assert _entry(run, pinned).mentorship == b
    assert "Pinned by staff" in _entry(run, pinned).explanation
    assert _entry(run, barred).mentorship == b


def test_a_second_pin_and_an_overfull_pin_are_refused(round_, staff):
    (a,) = mentorships(round_, [1])
    one = applicant(round_, prefs=[a])
    two = applicant(round_, prefs=[a])
    services.placement_constraint_create(
        application=one, mentorship=a, kind="pin", note="", by=staff
    )
    with pytest.raises(ValidationError) as exc:
        services.placement_constraint_create(
            application=two, mentorship=a, kind="pin", note="", by=staff
        )
    assert exc.value.messages == [
        services.CONSTRAINT_PIN_FULL.format(cohort=a.short_name, capacity=1)
    ]


def test_move_into_a_full_cohort_is_refused_naming_it(round_, staff):
    a, b = mentorships(round_, [1, 1])
    first = applicant(round_, prefs=[a], score="3")
    second = applicant(round_, prefs=[b], score="2")
    run = services.placement_preview(round=round_, by=staff)
    with pytest.raises(ValidationError) as exc:
        services.placement_entry_move(entry=_entry(run, second), mentorship=a, by=staff)
    assert exc.value.messages == [
        services.COHORT_FULL.format(cohort=a.short_name, capacity=1)
    ]
    assert _entry(run, second).mentorship == b
    assert _entry(run, first).mentorship == a


def test_move_records_who_moved_and_rescores(round_, staff):
    a, b = mentorships(round_, [2, 2])
    app = applicant(round_, prefs=[a, b])
    run = services.placement_preview(round=round_, by=staff)
    before = list(run.objective)
    entry = services.placement_entry_move(
        entry=_entry(run, app), mentorship=b, by=staff
    )
    assert entry.explanation == (
        f"Moved by hand by Pat Okafor from {a.short_name} to {b.short_name}."
    )
    assert entry.choice == 2 and entry.moved_by_hand
    run.refresh_from_db()
    assert tuple(run.objective) < tuple(before)
    assert "1 moved by hand" in run.objective_text
    assert AuditEvent.objects.filter(action="placement.move").count() == 1


def test_moving_an_unplaced_applicant_in_respects_the_round_total(staff):
    round_ = factories.RoundFactory(awards_count=1)
    a, b = mentorships(round_, [1, 1])
    applicant(round_, prefs=[a], score="3")
    second = applicant(round_, prefs=[a], score="2")
    run = services.placement_preview(round=round_, by=staff)
    with pytest.raises(ValidationError) as exc:
        services.placement_entry_move(entry=_entry(run, second), mentorship=b, by=staff)
    assert exc.value.messages == [services.ROUND_AWARDS_USED.format(total=1)]


def test_commit_creates_awards_members_invitations_and_rosters(
    round_, staff, django_capture_on_commit_callbacks
):
    """Each placed organization gets an offered award with the round's amount
    and dates; its two contacts become mentees with an invitation; the mentors
    get their roster; all exactly once."""
    mentor = factories.UserFactory(email="mentor@example.org")
    (a,) = mentorships(round_, [3], mentor=mentor)
    known = factories.UserFactory(email="known@example.org")
    app = applicant(round_, prefs=[a])
    app.contacts.filter(kind="primary").update(email="Known@example.org")
    unplaced = applicant(round_, prefs=[])
    run = services.placement_preview(round=round_, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        awards = services.placement_commit(run=run, by=staff)
    run.refresh_from_db()
    assert run.status == PlacementRun.Status.COMMITTED
    assert len(awards) == 1
    award = awards[0]
    assert award.application == app and award.mentorship == a
    assert award.status == Award.Status.OFFERED
    assert award.amount == round_.award_amount
    assert (award.contract_start, award.contract_end) == (
        round_.contract_start,
        round_.contract_end,
    )
    assert not Award.objects.filter(application=unplaced).exists()
    members = {m.role: m for m in award.members.all()}
    assert members["primary"].user == known
    new_user = members["secondary"].user
    assert not new_user.has_usable_password()
    assert has_role(known, Role.MENTEE)
    invites = Message.objects.filter(kind=Kind.AWARD_INVITATION)
    assert invites.count() == 2
    by_email = {m.to[0]: m for m in mail.outbox}
    assert "/accounts/login/?next=" in by_email["known@example.org"].body
    token_mail = by_email[new_user.email]
    assert "/cohorts/invitation/" in token_mail.body
    roster = Message.objects.get(kind=Kind.ROSTER)
    assert roster.to_email == mentor.email
    assert app.organization.name in roster.body_text
    assert roster.idempotency_key.endswith(f"roster:{a.pk}:{run.pk}")


def test_commit_twice_is_refused_and_sends_nothing_more(round_, staff):
    (a,) = mentorships(round_, [3])
    applicant(round_, prefs=[a])
    run = services.placement_preview(round=round_, by=staff)
    services.placement_commit(run=run, by=staff)
    with pytest.raises(ValidationError) as exc:
        services.placement_commit(run=run, by=staff)
    assert exc.value.messages == [services.RUN_NOT_PREVIEW.format(status="committed")]
    assert Award.objects.count() == 1
    assert Message.objects.filter(kind=Kind.AWARD_INVITATION).count() == 2


def test_commit_is_all_or_nothing_when_a_cohort_filled_meanwhile(round_, staff):
    """A seat taken after the preview makes the commit refuse, creating nothing."""
    a, b = mentorships(round_, [1, 2])
    applicant(round_, prefs=[b], score="4")
    applicant(round_, prefs=[a], score="3")
    run = services.placement_preview(round=round_, by=staff)
    factories.AwardFactory(
        application__round=round_, mentorship=a, status=Award.Status.ACCEPTED
    )
    with pytest.raises(ValidationError) as exc:
        services.placement_commit(run=run, by=staff)
    assert exc.value.messages == [
        services.COHORT_FULL.format(cohort=a.short_name, capacity=1)
    ]
    assert Award.objects.count() == 1
    assert CohortMember.objects.count() == 0
    assert Message.objects.count() == 0
    run.refresh_from_db()
    assert run.status == PlacementRun.Status.PREVIEW


def test_a_new_preview_counts_seats_and_awards_already_held(round_, staff):
    round_.awards_count = 2
    round_.save()
    a, b = mentorships(round_, [1, 5])
    factories.AwardFactory(application__round=round_, mentorship=a)
    x = applicant(round_, prefs=[a, b], score="5")
    y = applicant(round_, prefs=[b], score="1")
    run = services.placement_preview(round=round_, by=staff)
    assert _entry(run, x).mentorship == b
    assert _entry(run, y).mentorship is None


def test_award_move_refuses_a_full_cohort(round_, staff):
    a, b = mentorships(round_, [1, 1])
    factories.AwardFactory(application__round=round_, mentorship=a)
    award = factories.AwardFactory(application__round=round_, mentorship=b)
    with pytest.raises(ValidationError) as exc:
        services.award_move(award=award, mentorship=a, by=staff)
    assert exc.value.messages == [
        services.COHORT_FULL.format(cohort=a.short_name, capacity=1)
    ]
    c = factories.MentorshipFactory(round=round_, capacity=1)
    services.award_move(award=award, mentorship=c, by=staff, note="Better fit")
    award.refresh_from_db()
    assert award.mentorship == c
    assert AuditEvent.objects.get(action="award.move").note == "Better fit"


def test_award_transitions_follow_the_table_and_withdrawal_frees_members(round_, staff):
    member = factories.CohortMemberFactory(
        award__application__round=round_, award__status=Award.Status.OFFERED
    )
    award = member.award
    with pytest.raises(ValidationError) as exc:
        services.award_transition(award=award, status=Award.Status.ENDED, by=staff)
    assert exc.value.messages == [
        services.TRANSITION_REFUSED.format(before="Offered", after="Ended")
    ]
    services.award_transition(award=award, status=Award.Status.ACCEPTED, by=staff)
    services.award_transition(award=award, status=Award.Status.WITHDRAWN, by=staff)
    member.refresh_from_db()
    assert not member.active and member.left_at
    assert not has_role(User.objects.get(pk=member.user_id), Role.MENTEE)
    actions = list(
        AuditEvent.objects.filter(action="award.status").values_list("after", flat=True)
    )
    assert {"status": "withdrawn"} in actions


def test_waitlist_proposes_the_best_who_ranked_the_freed_mentorship(
    round_, staff, django_capture_on_commit_callbacks
):
    (a,) = mentorships(round_, [1])
    award = factories.AwardFactory(
        application__round=round_, mentorship=a, status=Award.Status.OFFERED
    )
    applicant(round_, prefs=[], outcome=Decision.Outcome.WAITLIST, score="9")
    best = applicant(round_, prefs=[a], outcome=Decision.Outcome.WAITLIST, score="4")
    applicant(round_, prefs=[a], outcome=Decision.Outcome.WAITLIST, score="3")
    from cohorts.placement.selectors import waitlist_view

    assert waitlist_view(round=round_).seats == []
    services.award_transition(award=award, status=Award.Status.DECLINED, by=staff)
    (seat,) = waitlist_view(round=round_).seats
    assert seat.mentorship == a and seat.proposal == best
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        offer = services.waitlist_offer(
            application=best, mentorship=a, by=staff, now=now
        )
    assert offer.from_waitlist and offer.status == Award.Status.OFFERED
    assert offer.offer_expires_at == now + dt.timedelta(days=7)
    assert Message.objects.filter(kind=Kind.WAITLIST_OFFER).count() == 2
    assert "expires" in mail.outbox[0].body
    with pytest.raises(ValidationError):
        services.waitlist_offer(application=best, mentorship=a, by=staff)


def test_waitlist_offer_into_a_full_cohort_is_refused(round_, staff):
    (a,) = mentorships(round_, [1])
    factories.AwardFactory(application__round=round_, mentorship=a)
    waiting = applicant(round_, prefs=[a], outcome=Decision.Outcome.WAITLIST)
    with pytest.raises(ValidationError) as exc:
        services.waitlist_offer(application=waiting, mentorship=a, by=staff)
    assert exc.value.messages == [
        services.COHORT_FULL.format(cohort=a.short_name, capacity=1)
    ]


def test_expiry_task_marks_expired_offers_once(round_, staff):
    (a,) = mentorships(round_, [2])
    waiting = applicant(round_, prefs=[a], outcome=Decision.Outcome.WAITLIST)
    offer = services.waitlist_offer(
        application=waiting,
        mentorship=a,
        by=staff,
        now=timezone.now() - dt.timedelta(days=8),
    )
    fresh = factories.AwardFactory(
        application__round=round_,
        mentorship=a,
        status=Award.Status.OFFERED,
        offer_expires_at=timezone.now() + dt.timedelta(days=1),
    )
    assert award_offers_expire_task.delay().get() == 1
    assert award_offers_expire_task.delay().get() == 0
    offer.refresh_from_db()
    fresh.refresh_from_db()
    assert offer.status == Award.Status.EXPIRED
    assert fresh.status == Award.Status.OFFERED
    assert not offer.members.filter(active=True).exists()


def test_invitation_token_works_until_the_password_is_set(round_, staff):
    user = User.objects.create_user(email="new@example.org", full_name="New Person")
    token = services.invitation_token(user)
    assert services.invitation_user(token) == user
    services.invitation_accept(user=user, password="a-long-good-password-1")
    user.refresh_from_db()
    assert user.check_password("a-long-good-password-1")
    assert user.email_confirmed_at is not None
    with pytest.raises(ValidationError) as exc:
        services.invitation_user(token)
    assert exc.value.messages == [services.INVITATION_INVALID]
    with pytest.raises(ValidationError):
        services.invitation_user("forged")


def test_commit_refuses_when_the_round_total_is_used_meanwhile(staff):
    round_ = factories.RoundFactory(awards_count=1)
    a, b = mentorships(round_, [2, 2])
    applicant(round_, prefs=[a])
    run = services.placement_preview(round=round_, by=staff)
    factories.AwardFactory(application__round=round_, mentorship=b)
    with pytest.raises(ValidationError) as exc:
        services.placement_commit(run=run, by=staff)
    assert exc.value.messages == [services.ROUND_AWARDS_USED.format(total=1)]


def test_forbidding_a_pair_of_different_rounds_is_refused(round_, staff):
    (a,) = mentorships(factories.RoundFactory(), [2])
    app = applicant(round_, prefs=[])
    with pytest.raises(ValidationError) as exc:
        services.placement_constraint_create(
            application=app, mentorship=a, kind="forbid", note="", by=staff
        )
    assert exc.value.messages == [services.CONSTRAINT_OTHER_ROUND]
    assert PlacementConstraint.objects.count() == 0


def test_scores_fall_back_to_the_mean_then_zero(round_, staff):
    (a,) = mentorships(round_, [1])
    mean_only = applicant(round_, prefs=[a], score="0")
    mean_only.score_normalized = None
    mean_only.score_mean = Decimal("2.5")
    mean_only.save()
    nothing = applicant(round_, prefs=[a], score="0")
    nothing.score_normalized = None
    nothing.save()
    run = services.placement_preview(round=round_, by=staff)
    assert _entry(run, mean_only).mentorship == a
    assert _entry(run, mean_only).score == Decimal("2.5")
    assert _entry(run, nothing).score == Decimal("0")
