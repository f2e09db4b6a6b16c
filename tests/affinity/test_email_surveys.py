"""Group e-mails through the outbox and Celery; the group's two surveys."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from affinity import services
from affinity.models import Group, GroupEmail
from affinity.tasks import group_email_send_task
from notifications.models import Kind, Message
from surveys.models import Survey

from .factories import GroupMemberFactory

pytestmark = pytest.mark.django_db


def test_staff_email_reaches_each_admitted_member_once(
    client_as, group, support, django_capture_on_commit_callbacks
):
    admitted = [GroupMemberFactory(group=group) for _ in range(3)]
    GroupMemberFactory(group=group, status="requested")
    GroupMemberFactory(group=group, status="left")
    page = client_as(support).get(reverse("affinity:email", args=[group.pk]))
    token = page.context["form"]["token"].value()
    data = {"token": token, "subject": "Next meeting", "body": "Bring a data story."}
    url = reverse("affinity:email", args=[group.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client_as(support).post(url, data)
    with django_capture_on_commit_callbacks(execute=True):
        second = client_as(support).post(url, data, follow=True)  # double submit
    assert "already sent" in second.content.decode()
    assert GroupEmail.objects.count() == 1
    email = GroupEmail.objects.get()
    assert email.recipients == 3 and email.queued_at
    sent = sorted(m.to[0] for m in mail.outbox)
    assert sent == sorted(m.user.email for m in admitted)
    assert all(m.subject == f"[{group.topic}] Next meeting" for m in mail.outbox)
    assert "Bring a data story." in mail.outbox[0].body


def test_the_send_task_run_twice_sends_once(group, support):
    GroupMemberFactory(group=group)
    email = GroupEmail.objects.create(group=group, subject="Hi", body="Hello")
    group_email_send_task.delay(email.pk)
    group_email_send_task.delay(email.pk)
    assert Message.objects.filter(kind=Kind.GROUP_EMAIL).count() == 1


def test_no_email_to_a_group_without_members(client_as, group, leader):
    page = client_as(leader).get(reverse("affinity:email", args=[group.pk]))
    response = client_as(leader).post(
        reverse("affinity:email", args=[group.pk]),
        {
            "token": page.context["form"]["token"].value(),
            "subject": "Hello",
            "body": "Anyone?",
        },
    )
    assert escape(str(services.EMAIL_NO_MEMBERS)) in response.content.decode()
    assert not GroupEmail.objects.exists()


def test_a_member_cannot_email_the_group(client_as, group, member):
    response = client_as(member.user).post(
        reverse("affinity:email", args=[group.pk]), {"subject": "x", "body": "y"}
    )
    assert response.status_code == 403


def test_staff_create_the_group_surveys_once(client_as, group, staff_user):
    url = reverse("affinity:surveys-create", args=[group.pk])
    client_as(staff_user).post(url)
    group = Group.objects.get(pk=group.pk)
    assert group.pre_survey.kind == Survey.Kind.AFFINITY_PRE
    assert group.final_survey.kind == Survey.Kind.AFFINITY_FINAL
    for survey in (group.pre_survey, group.final_survey):
        assert survey.audience == Survey.Audience.AFFINITY_GROUP
        assert survey.audience_group == group
        assert survey.status == Survey.Status.DRAFT
        assert survey.sections.get().questions.count() >= 3
    response = client_as(staff_user).post(url, follow=True)
    assert escape(str(services.SURVEYS_EXIST)) in response.content.decode()
    assert Survey.objects.count() == 2


def test_leaders_see_survey_state_but_cannot_create_them(client_as, group, leader):
    page = client_as(leader).get(reverse("affinity:group-detail", args=[group.pk]))
    assert "Not set up" in page.content.decode()
    response = client_as(leader).post(
        reverse("affinity:surveys-create", args=[group.pk])
    )
    assert response.status_code == 403


def test_check_ins_are_recorded_with_notes(client_as, group, leader, support):
    url = reverse("affinity:checkin", args=[group.pk, "midpoint"])
    response = client_as(support).post(
        url,
        {
            "held_on": "2021-06-15",
            "attendees": [leader.pk, support.pk],
            "notes": "Attendance dips in summer; try a shorter agenda.",
        },
    )
    assert response.status_code == 302
    page = client_as(leader).get(reverse("affinity:checkins", args=[group.pk]))
    html = page.content.decode()
    assert "Attendance dips in summer" in html
    assert "Orientation" in html and "Final check-in" in html


def test_check_in_of_an_unknown_kind_is_not_found(client_as, group, leader):
    url = reverse("affinity:checkin", args=[group.pk, "weekly"])
    assert client_as(leader).get(url).status_code == 404


def test_a_member_cannot_see_check_ins(client_as, group, member):
    url = reverse("affinity:checkins", args=[group.pk])
    assert client_as(member.user).get(url).status_code == 403
