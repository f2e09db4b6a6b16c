"""Success goals, action logs, check-in notes and personnel changes."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cohorts.models import (
    ActionLog,
    CheckInNote,
    CohortMember,
    PersonnelChange,
    ProgressEntry,
    SuccessGoal,
)
from cohorts.year import services
from notifications.models import Kind, Message
from tests import factories
from tests.cohorts import year_factories as yf

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    mentorship, mentor, (member, other) = yf.cohort(2)
    return mentorship, mentor, member, other


def test_mentee_writes_its_success_goal_with_measures(client_as, setup):
    _, _, member, _ = setup
    award = member.award
    response = client_as(member.user).post(
        reverse("cohorts:success-goal", args=[award.pk]),
        {
            "save_goal": "1",
            "statement": "A shared referral dashboard used by five partners.",
            "measure-TOTAL_FORMS": "1",
            "measure-INITIAL_FORMS": "0",
            "measure-MIN_NUM_FORMS": "0",
            "measure-MAX_NUM_FORMS": "1000",
            "measure-0-name": "Partners using the dashboard",
            "measure-0-unit": "partners",
            "measure-0-baseline": "0",
            "measure-0-target": "5",
        },
    )
    assert response.status_code == 302
    goal = SuccessGoal.objects.get(award=award)
    (measure,) = goal.measures.all()
    assert (measure.baseline, measure.target) == (Decimal(0), Decimal(5))


def test_progress_is_recorded_and_shown(client_as, setup):
    _, _, member, _ = setup
    measure = yf.MeasureFactory(success_goal__award=member.award, target=4)
    client = client_as(member.user)
    client.post(
        reverse("cohorts:progress-create", args=[member.award.pk]),
        {"measure": measure.pk, "date": timezone.localdate().isoformat(), "value": "3"},
    )
    assert ProgressEntry.objects.get().recorded_by == member.user
    page = client.get(reverse("cohorts:success-goal", args=[member.award.pk]))
    assert "75%" in page.content.decode()


def test_measures_of_whole_things_read_as_whole_numbers(client_as, setup):
    """ "4 of 6 partners", not "4.00 of 6.00 partners", on every page that shows
    a measure; a measure with fractions keeps the decimals it needs."""
    _, mentor, member, _ = setup
    award = member.award
    partners = yf.MeasureFactory(
        success_goal__award=award,
        name="Partners sharing data",
        unit="partners",
        baseline=Decimal("1.00"),
        target=Decimal("6.00"),
        order=0,
    )
    yf.ProgressEntryFactory(measure=partners, value=Decimal("4.00"))
    share = yf.MeasureFactory(
        success_goal=partners.success_goal,
        name="Share of referrals closed",
        unit="of referrals",
        baseline=Decimal("0.10"),
        target=Decimal("0.75"),
        order=1,
    )
    yf.ProgressEntryFactory(measure=share, value=Decimal("0.50"))
    hours = yf.MeasureFactory(
        success_goal=partners.success_goal,
        name="Staff hours on data sharing",
        unit="hours",
        baseline=Decimal("0"),
        target=Decimal("1200"),
        order=2,
    )
    yf.ProgressEntryFactory(measure=hours, value=Decimal("12.5"))
    pages = {
        "success goal": client_as(member.user).get(
            reverse("cohorts:success-goal", args=[award.pk])
        ),
        "year overview": client_as(mentor).get(
            reverse("cohorts:year-overview", args=[award.pk])
        ),
        "mentee home": client_as(member.user).get(reverse("cohorts:mentee-home")),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        # A figure with two zero decimals ("4.00"); a time's fraction of a
        # second in a datetime attribute ("24.006336") is not one.
        assert not re.search(r"\d\.00(?!\d)", html), name
        if name == "success goal":
            assert "Baseline 1 · target 6 partners" in html
            assert "latest 4" in html
            assert "<td>4 partners</td>" in html
            assert "Baseline 0.10 · target 0.75 of referrals" in html
            assert "<td>0.50 of referrals</td>" in html
            assert "Baseline 0.0 · target 1,200.0 hours" in html
            assert "<td>12.5 hours</td>" in html
        else:
            assert "Partners sharing data: 4 of 6 partners" in html, name
            assert "Share of referrals closed: 0.50 of 0.75 of referrals" in html
            assert "Staff hours on data sharing: 12.5 of 1,200.0 hours" in html


def test_progress_for_another_organizations_measure_is_refused(client_as, setup):
    """The form says so next to the measure, and nothing is saved."""
    _, _, member, other = setup
    theirs = yf.MeasureFactory(success_goal__award=other.award)
    response = client_as(member.user).post(
        reverse("cohorts:progress-create", args=[member.award.pk]),
        {"measure": theirs.pk, "date": timezone.localdate().isoformat(), "value": "3"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["measure"] == [
        services.ERR_MEASURE_OTHER_ORG
    ]
    assert not ProgressEntry.objects.exists()
    with pytest.raises(services.ValidationError) as exc:
        services.progress_record(
            award=member.award,
            measure=theirs,
            date=timezone.localdate(),
            value=Decimal(1),
            by=member.user,
        )
    assert exc.value.message_dict == {"measure": [services.ERR_MEASURE_OTHER_ORG]}


def test_a_mentor_reads_but_cannot_edit_the_success_goal(client_as, setup):
    _, mentor, member, _ = setup
    url = reverse("cohorts:success-goal", args=[member.award.pk])
    assert client_as(mentor).get(url).status_code == 200
    response = client_as(mentor).post(url, {"save_goal": "1", "statement": "x"})
    assert response.status_code == 403


def test_mentee_logs_an_action_period_and_the_mentor_comments(client_as, setup):
    mentorship, mentor, member, _ = setup
    period = yf.ActionPeriodFactory(mentorship=mentorship)
    client_as(member.user).post(
        reverse("cohorts:action-logs", args=[member.award.pk]),
        {
            "period": period.pk,
            "did": "Signed the MOU with the hospital.",
            "next_steps": "Map the data fields.",
        },
    )
    log = ActionLog.objects.get()
    assert log.author == member.user
    client_as(mentor).post(
        reverse("cohorts:log-comment", args=[member.award.pk, log.pk]),
        {"comment": "Great progress."},
    )
    log.refresh_from_db()
    assert log.mentor_comment == "Great progress." and log.commented_by == mentor
    home = client_as(member.user).get(reverse("cohorts:mentee-home"))
    assert "Great progress." in home.content.decode()


def test_a_future_period_cannot_be_logged(setup):
    mentorship, _, member, _ = setup
    future = yf.ActionPeriodFactory(
        mentorship=mentorship,
        starts_on=timezone.localdate() + dt.timedelta(days=5),
        ends_on=timezone.localdate() + dt.timedelta(days=50),
    )
    with pytest.raises(services.ValidationError) as exc:
        services.action_log_create(
            award=member.award, period=future, did="x", by=member.user
        )
    assert exc.value.message_dict == {"period": [services.ERR_PERIOD_NOT_STARTED]}


def test_another_cohorts_period_is_refused(setup):
    _, _, member, _ = setup
    elsewhere = yf.ActionPeriodFactory()
    with pytest.raises(services.ValidationError):
        services.action_log_create(
            award=member.award, period=elsewhere, did="x", by=member.user
        )


def test_a_mentee_cannot_comment_on_logs(client_as, setup):
    mentorship, _, member, _ = setup
    log = yf.ActionLogFactory(period__mentorship=mentorship, award=member.award)
    response = client_as(member.user).post(
        reverse("cohorts:log-comment", args=[member.award.pk, log.pk]),
        {"comment": "Self-praise"},
    )
    assert response.status_code == 403


def test_mentor_records_a_check_in_and_the_mentee_sees_shared_notes(client_as, setup):
    _, mentor, member, other = setup
    client = client_as(mentor)
    url = reverse("cohorts:checkin-note-create", args=[member.award.pk])
    for text, shared in [("Shared notes", "on"), ("Mentor-only notes", "")]:
        data = {
            "held_on": timezone.localdate().isoformat(),
            "attendees": "Ana, Bo",
            "notes": text,
            "follow_ups": "Send the template",
        }
        if shared:
            data["shared_with_mentee"] = shared
        assert client.post(url, data).status_code == 302
    assert CheckInNote.objects.filter(award=member.award).count() == 2
    page = client_as(member.user).get(
        reverse("cohorts:checkin-notes", args=[member.award.pk])
    )
    assert "Shared notes" in page.content.decode()
    assert "Mentor-only notes" not in page.content.decode()
    # Another organization of the same cohort sees none of it.
    response = client_as(other.user).get(
        reverse("cohorts:checkin-notes", args=[member.award.pk])
    )
    assert response.status_code == 404


def test_a_check_in_note_cannot_point_to_another_organizations_call(setup):
    mentorship, mentor, member, other = setup
    call = yf.EventFactory(mentorship=mentorship, kind="check_in", award=other.award)
    with pytest.raises(services.ValidationError):
        services.checkin_note_create(
            award=member.award,
            held_on=timezone.localdate(),
            notes="x",
            event=call,
            by=mentor,
        )


@override_settings(PROGRAM_OFFICE_EMAIL="office@example.org")
def test_personnel_change_reaches_the_program_office_once(
    client_as, setup, django_capture_on_commit_callbacks
):
    _, _, member, _ = setup
    url = reverse("cohorts:personnel-report", args=[member.award.pk])
    data = {
        "kind": "joins",
        "person_name": "Nia New",
        "person_email": "Nia@Example.org",
        "effective_on": timezone.localdate().isoformat(),
        "note": "Our new data analyst.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(member.user).post(url, data)
    assert response.status_code == 302
    change = PersonnelChange.objects.get()
    assert change.person_email == "nia@example.org"
    assert change.reported_by == member.user
    assert Message.objects.filter(kind=Kind.PERSONNEL_CHANGE).count() == 1
    assert [m.to for m in mail.outbox] == [["office@example.org"]]
    assert "Nia New" in mail.outbox[0].body


def test_staff_apply_changes_and_the_history_is_kept(client_as, setup):
    """Joining adds a colleague; becoming primary demotes the old primary; leaving
    deactivates; every change stays listed as applied."""
    _, _, member, _ = setup
    award = member.award
    staff = factories.StaffFactory()
    newcomer = factories.UserFactory(email="nia@example.org")

    def report(kind, name, email):
        return services.personnel_change_report(
            award=award,
            kind=kind,
            person_name=name,
            person_email=email,
            effective_on=timezone.localdate(),
            by=member.user,
        )

    joins = report("joins", "Nia New", "nia@example.org")
    primary = report("primary", "Nia New", "nia@example.org")
    leaves = report("leaves", member.name, member.email)
    client = client_as(staff)
    for change in (joins, primary, leaves):
        response = client.post(reverse("cohorts:personnel-apply", args=[change.pk]))
        assert response.status_code == 302
    nia = CohortMember.objects.get(award=award, email="nia@example.org")
    assert nia.user == newcomer
    assert nia.role == CohortMember.Role.PRIMARY and nia.active
    member.refresh_from_db()
    assert not member.active and member.left_at
    assert member.role == CohortMember.Role.COLLEAGUE
    assert set(PersonnelChange.objects.values_list("status", flat=True)) == {"applied"}
    again = client.post(
        reverse("cohorts:personnel-apply", args=[joins.pk]), follow=True
    )
    assert str(services.ERR_CHANGE_APPLIED) in again.content.decode()


def test_only_staff_apply_personnel_changes(client_as, setup):
    _, mentor, member, _ = setup
    change = PersonnelChange.objects.create(
        award=member.award,
        kind="joins",
        person_name="X",
        person_email="x@example.org",
        effective_on=timezone.localdate(),
    )
    url = reverse("cohorts:personnel-apply", args=[change.pk])
    assert client_as(mentor).post(url).status_code == 403
    assert client_as(member.user).post(url).status_code == 403


def test_a_mentee_cannot_report_for_another_organization(client_as, setup):
    _, _, member, other = setup
    url = reverse("cohorts:personnel-report", args=[other.award.pk])
    assert client_as(member.user).get(url).status_code == 404
