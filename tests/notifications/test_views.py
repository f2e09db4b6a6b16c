"""The settings page, the staff outbox in the admin, and the password reset."""

import pytest
from django.core import mail
from django.urls import reverse

from dashmentor.models import AuditEvent
from notifications.models import ESSENTIAL_KINDS, Kind, Message, Preference
from tests import factories
from tests.notifications.factories import MessageFactory

pytestmark = pytest.mark.django_db

PREFS = reverse("notifications:preferences")
OUTBOX = reverse("admin:notifications_message_changelist")


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(PREFS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_settings_page_shows_zone_toggles_and_only_the_users_own_history(
    client_as, applicant_user
):
    MessageFactory(to_email=applicant_user.email, subject="Your draft is saved")
    MessageFactory(recipient=applicant_user, to_email="old@example.org", subject="Old")
    MessageFactory(to_email="someone-else@example.org", subject="Not yours")
    page = client_as(applicant_user).get(PREFS).content.decode()
    assert "Your draft is saved" in page and "Old" in page
    assert "Not yours" not in page
    assert 'name="time_zone"' in page
    assert "Event and meeting reminders" in page
    assert "Decision" in page  # listed under "Always sent"
    assert f'value="{Kind.DECISION}"' not in page  # and not a toggle


def test_turning_a_kind_off_and_changing_zone_are_saved(client_as, applicant_user):
    client = client_as(applicant_user)
    keep = [Kind.DEADLINE_REMINDER, Kind.SURVEY_REMINDER]
    response = client.post(
        PREFS, {"time_zone": "America/Chicago", "receive": keep}, follow=True
    )
    assert "Your settings are saved." in response.content.decode()
    applicant_user.refresh_from_db()
    assert applicant_user.time_zone == "America/Chicago"
    off = set(
        Preference.objects.filter(user=applicant_user, enabled=False).values_list(
            "kind", flat=True
        )
    )
    assert Kind.EVENT_REMINDER in off and Kind.GROUP_EMAIL in off
    assert not off & set(keep)
    assert not off & ESSENTIAL_KINDS
    # The form shows what was saved.
    assert sorted(client.get(PREFS).context["form"].initial["receive"]) == sorted(keep)


def test_an_essential_kind_cannot_be_turned_off_by_a_forged_post(
    client_as, applicant_user
):
    response = client_as(applicant_user).post(
        PREFS, {"time_zone": "America/Chicago", "receive": [Kind.DECISION]}
    )
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    assert not Preference.objects.exists()


def test_unknown_time_zone_is_refused_next_to_the_field(client_as, applicant_user):
    response = client_as(applicant_user).post(PREFS, {"time_zone": "Mars/Olympus"})
    assert "Select a valid choice" in response.content.decode()
    applicant_user.refresh_from_db()
    assert applicant_user.time_zone == "America/New_York"


@pytest.mark.parametrize("count", [3, 40])
def test_history_runs_a_fixed_number_of_queries(
    client_as, applicant_user, django_assert_max_num_queries, count
):
    for n in range(count):
        MessageFactory(to_email=applicant_user.email, subject=f"m{n}")
    client = client_as(applicant_user)
    with django_assert_max_num_queries(12):
        assert client.get(PREFS).status_code == 200


# --- staff: the outbox in the admin --------------------------------------------------


def test_staff_see_the_outbox_filtered_by_status_and_by_person(client_as, staff_user):
    MessageFactory(to_email="a@example.org", subject="Sent to A")
    MessageFactory(
        to_email="b@example.org",
        subject="Failed to B",
        status=Message.Status.FAILED,
        last_error="SMTPDataError: (451, 'busy')",
    )
    client = client_as(staff_user)
    failed = client.get(OUTBOX, {"status__exact": "failed"}).content.decode()
    assert "Failed to B" in failed and "Sent to A" not in failed
    person = client.get(OUTBOX, {"person": "a@example.org"}).content.decode()
    assert "Sent to A" in person and "Failed to B" not in person
    found = client.get(OUTBOX, {"q": "Failed to"}).content.decode()
    assert "Failed to B" in found


@pytest.mark.parametrize("count", [3, 60])
def test_outbox_list_runs_a_fixed_number_of_queries(
    client_as, staff_user, django_assert_max_num_queries, count
):
    user = factories.UserFactory()
    for n in range(count):
        MessageFactory(recipient=user, subject=f"m{n}")
    client = client_as(staff_user)
    with django_assert_max_num_queries(15):
        assert client.get(OUTBOX).status_code == 200


def test_staff_resend_a_failed_message_and_it_is_delivered(
    client_as, staff_user, django_capture_on_commit_callbacks
):
    """The resend action gives a failed message fresh attempts, with an audit row;
    a message that is not failed is left alone with a warning."""
    failed = MessageFactory(
        status=Message.Status.FAILED,
        attempts=8,
        last_error="550 no",
        to_email="f@x.org",
    )
    sent = MessageFactory(to_email="s@x.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(staff_user).post(
            OUTBOX,
            {"action": "resend_failed", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    page = response.content.decode()
    assert "1 message queued to be sent again." in page
    assert "1 message skipped: Only a failed message can be resent." in page
    failed.refresh_from_db()
    assert failed.status == Message.Status.SENT and failed.attempts == 1
    assert [m.to for m in mail.outbox] == [["f@x.org"]]
    assert (
        AuditEvent.objects.filter(action="message.resend", actor=staff_user).count()
        == 1
    )


def test_message_detail_is_read_only_and_links_to_the_history(client_as, staff_user):
    message = MessageFactory(to_email="a@example.org")
    url = reverse("admin:notifications_message_change", args=[message.pk])
    client = client_as(staff_user)
    page = client.get(url).content.decode()
    assert "?person=a%40example.org" in page
    assert 'name="_save"' not in page
    assert client.post(url, {"subject": "edited"}).status_code == 403


@pytest.mark.parametrize("fixture", ["applicant_user", "reviewer_user"])
def test_non_staff_cannot_open_the_outbox(client_as, request, fixture):
    user = request.getfixturevalue(fixture)
    response = client_as(user).get(OUTBOX)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_set_reminder_offsets_per_round_and_bad_ones_are_refused(
    client_as, staff_user
):
    round_ = factories.RoundFactory()
    url = reverse("admin:notifications_reminderrule_add")
    client = client_as(staff_user)
    bad = client.post(
        url,
        {"round": round_.pk, "kind": Kind.DEADLINE_REMINDER, "offsets_days": "7, x"},
    )
    assert "Enter whole numbers of days" in bad.content.decode()
    client.post(
        url,
        {
            "round": round_.pk,
            "kind": Kind.DEADLINE_REMINDER,
            "offsets_days": "1, 10",
            "active": "on",
        },
    )
    rule = round_.reminder_rules.get()
    assert rule.offsets_days == [10, 1]


# --- password reset through the outbox ---------------------------------------------


def test_password_reset_email_goes_through_the_outbox(
    client, applicant_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("password_reset"), {"email": applicant_user.email}
        )
    assert response.status_code == 302
    message = Message.objects.get(kind=Kind.PASSWORD_RESET)
    assert message.recipient == applicant_user
    assert message.status == Message.Status.SENT
    (sent,) = mail.outbox
    assert "/accounts/reset/" in sent.body
    link = next(line for line in sent.body.splitlines() if "/accounts/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path, follow=True).status_code == 200


def test_password_reset_for_an_unknown_address_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert not Message.objects.exists()


def test_password_reset_ignores_the_preference_to_stop_email(
    client, applicant_user, django_capture_on_commit_callbacks
):
    """Essential kinds cannot be turned off, even by a stray preference row."""
    Preference.objects.create(
        user=applicant_user, kind=Kind.PASSWORD_RESET, enabled=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": applicant_user.email})
    assert len(mail.outbox) == 1
