"""Submission, the deadline, drafts, withdrawal, screening and overrides,
through the services the views call."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from applications import services
from applications.models import Application, EligibilityResult
from dashmentor.models import AuditEvent
from notifications.models import Kind, Message
from tests import factories as core

from .factories import complete_application, round_with_questions

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.UTC


def submit(application, user=None):
    return services.application_submit(
        application=application, by=user or application.created_by
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("closing_local", "closing_utc"),
    [
        # 3:30 pm Eastern Standard Time is 20:30 UTC ...
        (dt.datetime(2030, 12, 23, 15, 30), dt.datetime(2030, 12, 23, 20, 30)),
        # ... and in summer (daylight time) it is 19:30 UTC.
        (dt.datetime(2030, 7, 1, 15, 30), dt.datetime(2030, 7, 1, 19, 30)),
    ],
    ids=["winter", "summer"],
)
def test_deadline_boundary_in_the_rounds_zone_with_the_server_on_utc(
    settings, closing_local, closing_utc
):
    """One second before 3:30 pm in New York a submission passes; at the
    closing second it is refused, whatever the server's zone (UTC)."""
    settings.TIME_ZONE = "UTC"
    closes_at = closing_local.replace(tzinfo=NEW_YORK)
    assert closes_at == closing_utc.replace(tzinfo=UTC)
    round_ = round_with_questions(
        opens_at=closes_at - dt.timedelta(days=30),
        closes_at=closes_at,
        time_zone="America/New_York",
    )
    early = complete_application(round=round_)
    late = complete_application(round=round_)

    with time_machine.travel(
        closing_utc.replace(tzinfo=UTC) - dt.timedelta(seconds=1), tick=False
    ):
        submit(early)
    early.refresh_from_db()
    assert early.status == Application.Status.SUBMITTED
    assert early.submitted_at == closes_at - dt.timedelta(seconds=1)

    with (
        time_machine.travel(closing_utc.replace(tzinfo=UTC), tick=False),
        pytest.raises(ValidationError) as exc,
    ):
        submit(late)
    assert exc.value.messages == [services.DEADLINE_PASSED]
    late.refresh_from_db()
    assert late.status == Application.Status.DRAFT
    assert late.submitted_at is None
    assert not late.eligibility_results.exists()


@pytest.mark.django_db
def test_submission_is_refused_before_the_round_opens():
    round_ = round_with_questions()
    application = complete_application(round=round_)
    with (
        time_machine.travel(round_.opens_at - dt.timedelta(seconds=1), tick=False),
        pytest.raises(ValidationError) as exc,
    ):
        submit(application)
    assert exc.value.messages == [services.NOT_OPEN_YET]


@pytest.mark.django_db
def test_submission_screens_and_keeps_the_denormalized_fields(
    django_capture_on_commit_callbacks,
):
    """Submitting stores five screening results and the list's fields."""
    application = complete_application(
        partner_sectors=(("housing", "education"), ("public_safety",))
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit(application)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.eligibility == Application.Eligibility.ELIGIBLE
    assert application.sectors_index == ",housing,education,public_safety,"
    assert application.state == "OH"
    first = application.preferences.get(rank=1)
    assert application.first_preference_id == first.mentorship_id
    assert application.first_submitted_at == application.submitted_at
    results = list(application.eligibility_results.order_by("criterion"))
    assert [r.criterion for r in results] == [1, 2, 3, 4, 5]
    assert all(r.outcome == "pass" and r.reason for r in results)
    assert AuditEvent.objects.filter(
        action="application.status", object_id=str(application.pk)
    ).exists()


@pytest.mark.django_db
def test_submission_sends_one_confirmation_through_the_outbox(
    django_capture_on_commit_callbacks,
):
    """The applicant and the primary contact each get one confirmation e-mail,
    with the time in the recipient's zone."""
    user = core.UserFactory(time_zone="America/Los_Angeles")
    application = complete_application(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        submit(application, user)
    messages = Message.objects.filter(kind=Kind.SUBMISSION_CONFIRMATION)
    primary = application.contacts.get(kind="primary")
    assert {m.to_email for m in messages} == {user.email, primary.email.lower()}
    assert len(mail.outbox) == 2
    mine = messages.get(to_email=user.email)
    assert mine.status == Message.Status.SENT
    assert application.organization.name in mine.body_text
    assert "PST" in mine.body_text or "PDT" in mine.body_text
    assert f"/apply/applications/{application.pk}/" in mine.body_text


@pytest.mark.django_db
def test_a_second_submit_creates_no_second_submission(
    django_capture_on_commit_callbacks,
):
    """A double click on submit: the second call finds it submitted and
    returns it unchanged, and one confirmation goes out."""
    application = complete_application()
    with django_capture_on_commit_callbacks(execute=True):
        submit(application)
        first = Application.objects.get(pk=application.pk).submitted_at
        submit(application)
    application.refresh_from_db()
    assert application.submitted_at == first
    assert application.version == 1
    assert (
        Message.objects.filter(
            kind=Kind.SUBMISSION_CONFIRMATION, to_email=application.created_by.email
        ).count()
        == 1
    )
    assert (
        AuditEvent.objects.filter(
            action="application.status", object_id=str(application.pk)
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_submission_needs_a_confirmed_email():
    user = core.UserFactory(email_confirmed_at=None)
    application = complete_application(user=user)
    with pytest.raises(ValidationError) as exc:
        submit(application, user)
    assert exc.value.messages == [services.EMAIL_NOT_CONFIRMED]
    assert Application.objects.get(pk=application.pk).status == "draft"


@pytest.mark.django_db
def test_an_incomplete_draft_is_refused_with_what_is_missing():
    application = complete_application(learning_goal="")
    application.preferences.all().delete()
    with pytest.raises(ValidationError) as exc:
        submit(application)
    message = exc.value.messages[0]
    assert message.startswith("The application is not complete yet")
    assert "The learning goal" in message
    assert "At least one ranked mentorship" in message
    assert not EligibilityResult.objects.exists()


@pytest.mark.django_db
def test_an_ineligible_organization_submits_and_screening_says_why():
    """Non-US, ineligible organizations are not refused: screening explains."""
    org = core.OrganizationFactory(
        state="XX", country="Canada", org_type="other", sector="health_care"
    )
    application = complete_application(
        organization=org, partner_sectors=(("health_care",), ("housing",))
    )
    submit(application)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.eligibility == "ineligible"
    outcomes = dict(application.eligibility_results.values_list("criterion", "outcome"))
    assert outcomes == {1: "pass", 2: "fail", 3: "fail", 4: "pass", 5: "fail"}
    reason = application.eligibility_results.get(criterion=5).reason
    assert "health-care applicant needs two besides health care" in reason


@pytest.mark.django_db
def test_withdraw_edit_and_resubmit_before_the_deadline(
    django_capture_on_commit_callbacks,
):
    """A submitted application can be withdrawn, edited and submitted again
    before the deadline; the new submission is screened again and confirmed
    again."""
    application = complete_application(partner_sectors=(("housing",),))
    user = application.created_by
    with django_capture_on_commit_callbacks(execute=True):
        submit(application)
    application.refresh_from_db()
    assert application.eligibility == "ineligible"
    first_submitted = application.first_submitted_at

    with pytest.raises(ValidationError) as exc:
        services.application_fields_save(
            application=application, by=user, data={"learning_goal": "x"}
        )
    assert exc.value.messages == [services.NOT_EDITABLE]

    services.application_withdraw(application=application, by=user)
    assert Application.objects.get(pk=application.pk).status == "withdrawn"
    services.application_collaboration_save(
        application=application,
        by=user,
        name="Riverside Health Partners",
        status="member",
        description="",
        partners=[
            {"name": "Housing Authority", "sectors": ["housing"]},
            {"name": "School District", "sectors": ["education"]},
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit(application)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.version == 2
    assert application.eligibility == "eligible"
    assert application.first_submitted_at == first_submitted
    assert application.submitted_at >= first_submitted
    assert (
        Message.objects.filter(
            kind=Kind.SUBMISSION_CONFIRMATION, to_email=user.email
        ).count()
        == 2
    )


@pytest.mark.django_db
def test_after_the_deadline_nothing_changes_the_application():
    application = complete_application()
    submit(application)
    application.refresh_from_db()
    user = application.created_by
    after = application.round.closes_at + dt.timedelta(seconds=1)
    with time_machine.travel(after, tick=False):
        with pytest.raises(ValidationError) as exc:
            services.application_withdraw(application=application, by=user)
        assert exc.value.messages == [services.DEADLINE_PASSED]
    draft = complete_application(round=application.round)
    with time_machine.travel(after, tick=False):
        with pytest.raises(ValidationError) as exc:
            services.application_fields_save(
                application=draft, by=draft.created_by, data={"learning_goal": "new"}
            )
        assert exc.value.messages == [services.DEADLINE_PASSED]
    assert Application.objects.get(pk=draft.pk).learning_goal != "new"


@pytest.mark.django_db
def test_draft_round_trip_through_the_services():
    """What each section saves is what the draft reads back."""
    round_ = round_with_questions(count=2, mentorships=3)
    user = core.UserFactory()
    core.MembershipFactory(user=user)
    application = services.application_start(round=round_, by=user)
    assert application.contacts.get().email == user.email
    services.application_contacts_save(
        application=application,
        by=user,
        primary={
            "name": "Ana",
            "title": "Dir",
            "email": "ana@x.org",
            "phone": "555-0100",
        },
        secondary={"name": "Bo", "title": "Analyst", "email": "bo@x.org", "phone": ""},
        team=[
            {
                "name": "Cy",
                "title": "",
                "email": "cy@x.org",
                "from_lead_organization": False,
            }
        ],
    )
    questions = list(round_.questions.all())
    services.application_answers_save(
        application=application,
        by=user,
        answers={questions[0].pk: "First answer.", questions[1].pk: ""},
    )
    mentorships = list(round_.mentorships.all())
    services.application_preferences_save(
        application=application,
        by=user,
        mentorship_ids=[mentorships[2].pk, mentorships[0].pk],
    )
    services.application_fields_save(
        application=application, by=user, data={"all_in_profile": "agrees"}
    )
    again = Application.objects.get(pk=application.pk)
    assert [(c.kind, c.name) for c in again.contacts.order_by("kind")] == [
        ("primary", "Ana"),
        ("secondary", "Bo"),
        ("team", "Cy"),
    ]
    assert again.answers.get(question=questions[0]).text == "First answer."
    assert list(again.preferences.values_list("mentorship_id", flat=True)) == [
        mentorships[2].pk,
        mentorships[0].pk,
    ]
    assert again.first_preference_id == mentorships[2].pk
    assert again.all_in_profile == "agrees"
    assert again.status == "draft"
    # Starting again returns the same draft.
    assert services.application_start(round=round_, by=user).pk == application.pk


@pytest.mark.django_db
def test_a_preference_list_with_a_repeat_is_refused_whole():
    application = complete_application()
    before = list(application.preferences.values_list("mentorship_id", flat=True))
    m = application.round.mentorships.first()
    with pytest.raises(ValidationError) as exc:
        services.application_preferences_save(
            application=application,
            by=application.created_by,
            mentorship_ids=[m.pk, m.pk],
        )
    assert exc.value.messages == [services.DUPLICATE_PREFERENCE]
    assert (
        list(application.preferences.values_list("mentorship_id", flat=True)) == before
    )


@pytest.mark.django_db
def test_a_mentorship_of_another_round_cannot_be_ranked():
    application = complete_application()
    other = core.MentorshipFactory()
    with pytest.raises(ValidationError) as exc:
        services.application_preferences_save(
            application=application,
            by=application.created_by,
            mentorship_ids=[other.pk],
        )
    assert exc.value.messages == [services.PREFERENCE_OTHER_ROUND]


@pytest.mark.django_db
def test_staff_override_is_kept_with_who_and_why(staff_user):
    application = complete_application(partner_sectors=(("housing",),))
    submit(application)
    result = application.eligibility_results.get(criterion=5)
    assert result.outcome == "fail"
    services.eligibility_override(
        result=result,
        outcome="pass",
        justification="The health system partner also runs a housing program.",
        by=staff_user,
    )
    result.refresh_from_db()
    application.refresh_from_db()
    assert result.outcome == "fail"
    assert result.effective_outcome == "pass"
    assert result.overridden_by == staff_user
    assert result.overridden_at is not None
    assert application.eligibility == "eligible"
    event = AuditEvent.objects.get(action="eligibility.overridden")
    assert event.actor == staff_user
    assert event.note.startswith("The health system partner")
    assert event.before["outcome"] == "fail"
    assert event.after == {"criterion": 5, "outcome": "pass", "eligibility": "eligible"}


@pytest.mark.django_db
def test_an_override_needs_a_justification(staff_user):
    application = complete_application()
    submit(application)
    result = application.eligibility_results.get(criterion=1)
    with pytest.raises(ValidationError) as exc:
        services.eligibility_override(
            result=result, outcome="fail", justification="   ", by=staff_user
        )
    assert exc.value.messages == [services.JUSTIFICATION_REQUIRED]
    result.refresh_from_db()
    assert result.override_outcome == ""


@pytest.mark.django_db
def test_the_transition_table_refuses_a_move_it_does_not_list():
    application = complete_application()
    with pytest.raises(ValidationError) as exc:
        services.application_transition(
            application=application, to=Application.Status.DECIDED, by=None
        )
    assert exc.value.messages == [
        services.TRANSITION_REFUSED.format(before="Draft", after="Decided")
    ]


@pytest.mark.django_db
def test_email_confirmation_link_confirms_once_and_rejects_tampering(
    django_capture_on_commit_callbacks,
):
    user = core.UserFactory(email_confirmed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.email_confirmation_send(user=user)
    message = Message.objects.get(kind=Kind.EMAIL_CONFIRMATION, to_email=user.email)
    # The link is made when the e-mail is sent: in the e-mail, not the outbox.
    assert "/apply/confirm/" not in message.body_text
    (sent,) = mail.outbox
    token = re.search(r"/apply/confirm/([^/\s]+)/", sent.body).group(1)
    with pytest.raises(ValidationError) as exc:
        services.email_confirm(token=token[:-2] + "xx")
    assert exc.value.messages == [services.CONFIRMATION_INVALID]
    assert services.email_confirm(token=token) == user
    user.refresh_from_db()
    assert user.email_confirmed


@pytest.mark.django_db
def test_an_expired_confirmation_link_is_refused():
    user = core.UserFactory(email_confirmed_at=None)
    token = services.email_confirmation_token(user)
    later = dt.datetime.now(UTC) + dt.timedelta(days=8)
    with time_machine.travel(later, tick=False), pytest.raises(ValidationError) as exc:
        services.email_confirm(token=token)
    assert exc.value.messages == [services.CONFIRMATION_EXPIRED]
