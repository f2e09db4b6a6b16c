"""The work plan through the pages a mentee and a mentor use."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from cohorts.models import Activity, Goal, WorkPlan, WorkPlanVersion
from cohorts.year import rules, services
from notifications.models import Kind, Message
from tests import factories
from tests.cohorts import year_factories as yf

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    mentorship, mentor, (member,) = yf.cohort(1)
    return mentorship, mentor, member, member.award


def goal_post(award, title="Engage housing partners", rows=None, delete=()):
    start = award.contract_start
    rows = rows or [("Map partners", start + dt.timedelta(days=40), "planned")]
    data = {
        "title": title,
        "description": "",
        "act-TOTAL_FORMS": str(len(rows)),
        "act-INITIAL_FORMS": "0",
        "act-MIN_NUM_FORMS": "0",
        "act-MAX_NUM_FORMS": "1000",
    }
    for i, (name, day, status) in enumerate(rows):
        data[f"act-{i}-title"] = name
        data[f"act-{i}-target_date"] = day.isoformat() if day else ""
        data[f"act-{i}-status"] = status
        if i in delete:
            data[f"act-{i}-DELETE"] = "on"
    return data


def add_goal(client, award, **kw):
    return client.post(
        reverse("cohorts:goal-create", args=[award.pk]), goal_post(award, **kw)
    )


def test_mentee_adds_a_goal_with_activities(client_as, setup):
    """The mentee writes a goal and its dated activities; they appear on the plan."""
    _, _, member, award = setup
    client = client_as(member.user)
    response = add_goal(client, award)
    assert response.status_code == 302
    goal = Goal.objects.get(workplan__award=award)
    assert goal.title == "Engage housing partners"
    assert [a.title for a in goal.activities.all()] == ["Map partners"]
    page = client.get(reverse("cohorts:workplan-detail", args=[award.pk]))
    assert "Engage housing partners" in page.content.decode()
    assert "Map partners" in page.content.decode()


def test_a_third_goal_is_refused_with_a_message(client_as, setup):
    _, _, member, award = setup
    client = client_as(member.user)
    add_goal(client, award, title="One")
    add_goal(client, award, title="Two")
    response = add_goal(client, award, title="Three")
    assert Goal.objects.filter(workplan__award=award).count() == 2
    page = client.get(response["Location"])
    assert str(rules.ERR_TOO_MANY_GOALS) in page.content.decode()
    with pytest.raises(services.ValidationError) as exc:
        services.goal_save(
            workplan=award.workplan,
            title="Three",
            activities=[],
            by=member.user,
        )
    assert exc.value.messages == [rules.ERR_TOO_MANY_GOALS]


def test_activity_outside_the_contract_is_refused_next_to_the_field(client_as, setup):
    """The date error shows beside the date and nothing is saved."""
    _, _, member, award = setup
    late = award.contract_end + dt.timedelta(days=1)
    response = add_goal(
        client_as(member.user),
        award,
        rows=[
            ("Inside", award.contract_start + dt.timedelta(days=3), "planned"),
            ("After the contract", late, "planned"),
        ],
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    expected = rules.activity_date_error(late, award.contract_start, award.contract_end)
    assert formset.forms[1].errors["target_date"] == [expected]
    assert not Goal.objects.filter(workplan__award=award).exists()
    assert not Activity.objects.exists()


def test_a_plan_with_no_goal_cannot_be_submitted(client_as, setup):
    _, _, member, award = setup
    client = client_as(member.user)
    response = client.post(
        reverse("cohorts:workplan-submit", args=[award.pk]), follow=True
    )
    assert str(rules.ERR_NO_GOALS) in response.content.decode()
    assert not WorkPlanVersion.objects.exists()
    # A refused submission writes nothing: the plan is still the unsaved draft.
    assert not WorkPlan.objects.filter(award=award).exists()


def test_submit_keeps_a_version_tells_the_mentor_and_locks_the_plan(
    client_as, setup, django_capture_on_commit_callbacks
):
    """Submitting twice makes one version; the mentor is e-mailed once."""
    _, mentor, member, award = setup
    client = client_as(member.user)
    add_goal(client, award)
    url = reverse("cohorts:workplan-submit", args=[award.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        second = client.post(url, follow=True)
    version = WorkPlanVersion.objects.get(workplan__award=award)
    assert version.number == 1
    assert version.snapshot["goals"][0]["title"] == "Engage housing partners"
    assert "cannot be submitted" in second.content.decode()
    sent = Message.objects.filter(kind=Kind.WORKPLAN_REVIEW, to_email=mentor.email)
    assert sent.count() == 1
    assert [m.to for m in mail.outbox] == [[mentor.email]]
    # Under review, the plan cannot be changed.
    response = add_goal(client, award, title="Late idea")
    assert response.status_code == 302
    assert Goal.objects.filter(workplan__award=award).count() == 1


def test_mentor_approves_and_the_mentee_is_told(
    client_as, setup, django_capture_on_commit_callbacks
):
    _, mentor, member, award = setup
    add_goal(client_as(member.user), award)
    client_as(member.user).post(reverse("cohorts:workplan-submit", args=[award.pk]))
    mail.outbox.clear()
    client = client_as(mentor)
    page = client.get(reverse("cohorts:workplan-detail", args=[award.pk]))
    assert "Review version 1" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("cohorts:workplan-review", args=[award.pk]),
            {"decision": "approve", "comment": "A clear plan."},
        )
    workplan = WorkPlan.objects.get(award=award)
    assert workplan.status == WorkPlan.Status.APPROVED
    version = workplan.versions.get()
    assert version.decision == WorkPlanVersion.Decision.APPROVED
    assert version.decided_by == mentor
    assert [m.to for m in mail.outbox] == [[member.user.email]]
    assert "approved" in mail.outbox[0].subject
    assert "A clear plan." in mail.outbox[0].body


def test_asking_for_changes_needs_a_comment_and_sets_a_new_due_date(client_as, setup):
    _, mentor, member, award = setup
    add_goal(client_as(member.user), award)
    client_as(member.user).post(reverse("cohorts:workplan-submit", args=[award.pk]))
    client = client_as(mentor)
    url = reverse("cohorts:workplan-review", args=[award.pk])
    response = client.post(url, {"decision": "changes", "comment": " "}, follow=True)
    assert str(services.ERR_COMMENT_REQUIRED) in response.content.decode()
    assert WorkPlan.objects.get(award=award).status == WorkPlan.Status.SUBMITTED
    client.post(url, {"decision": "changes", "comment": "Add dates for goal 2."})
    workplan = WorkPlan.objects.get(award=award)
    assert workplan.status == WorkPlan.Status.CHANGES_REQUESTED
    assert workplan.due_on > dt.date.today()


def test_resubmission_is_compared_with_the_last_version(client_as, setup):
    """Version 2 shows the renamed goal and the added activity."""
    _, mentor, member, award = setup
    client = client_as(member.user)
    add_goal(client, award)
    client.post(reverse("cohorts:workplan-submit", args=[award.pk]))
    client_as(mentor).post(
        reverse("cohorts:workplan-review", args=[award.pk]),
        {"decision": "changes", "comment": "Add a forum."},
    )
    client = client_as(member.user)
    goal = Goal.objects.get(workplan__award=award)
    first = goal.activities.get()
    data = goal_post(
        award,
        title="Engage housing and health partners",
        rows=[
            ("Map partners", first.target_date, "in_progress"),
            ("Hold a forum", award.contract_start + dt.timedelta(days=90), "planned"),
        ],
    )
    data["act-INITIAL_FORMS"] = "1"
    data["act-0-id"] = str(first.pk)
    client.post(reverse("cohorts:goal-edit", args=[award.pk, goal.pk]), data)
    client.post(reverse("cohorts:workplan-submit", args=[award.pk]))
    page = client.get(reverse("cohorts:workplan-version", args=[award.pk, 2]))
    assert page.status_code == 200
    changes = page.context["changes"]
    assert changes[0].kind == "changed"
    kinds = {a.title: a.kind for a in changes[0].activities}
    assert kinds == {"Map partners": "changed", "Hold a forum": "added"}
    html = page.content.decode()
    assert "Engage housing and health partners" in html
    assert "In progress" in html


def test_activity_status_can_change_on_an_approved_plan(client_as, setup):
    _, _, member, award = setup
    activity = yf.ActivityFactory(goal__workplan__award=award)
    WorkPlan.objects.filter(award=award).update(status=WorkPlan.Status.APPROVED)
    client_as(member.user).post(
        reverse("cohorts:activity-status", args=[award.pk, activity.pk]),
        {"status": "done"},
    )
    activity.refresh_from_db()
    assert activity.status == Activity.Status.DONE


def test_timeline_places_activities_across_the_contract(client_as, setup):
    _, _, member, award = setup
    yf.ActivityFactory(
        goal__workplan__award=award,
        title="Midway step",
        target_date=award.contract_start
        + (award.contract_end - award.contract_start) / 2,
    )
    page = client_as(member.user).get(
        reverse("cohorts:workplan-timeline", args=[award.pk])
    )
    assert page.status_code == 200
    item = page.context["goals"][0]["items"][0]
    assert item["left"] == 0
    assert 49 <= item["width"] <= 51
    assert "Midway step" in page.content.decode()


def test_mentee_cannot_open_another_organizations_plan(client_as, setup):
    mentorship, _, member, _ = setup
    other = yf.mentee(mentorship)
    for name in ["workplan-detail", "workplan-timeline", "goal-create"]:
        response = client_as(member.user).get(
            reverse(f"cohorts:{name}", args=[other.award.pk])
        )
        assert response.status_code == 404, name
    response = client_as(member.user).post(
        reverse("cohorts:workplan-submit", args=[other.award.pk])
    )
    assert response.status_code == 404


def test_mentor_of_another_cohort_gets_404(client_as, setup):
    _, _, _, award = setup
    _, stranger, _ = yf.cohort(1)
    client = client_as(stranger)
    assert (
        client.get(reverse("cohorts:workplan-detail", args=[award.pk])).status_code
        == 404
    )
    response = client.post(
        reverse("cohorts:workplan-review", args=[award.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404


def test_a_mentee_cannot_review_and_a_mentor_cannot_edit(client_as, setup):
    _, mentor, member, award = setup
    response = client_as(member.user).post(
        reverse("cohorts:workplan-review", args=[award.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    response = client_as(mentor).get(reverse("cohorts:goal-create", args=[award.pk]))
    assert response.status_code == 403


def test_anonymous_is_sent_to_sign_in_and_applicant_refused(client, setup, client_as):
    _, _, _, award = setup
    url = reverse("cohorts:workplan-detail", args=[award.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    applicant = factories.UserFactory()
    factories.MembershipFactory(user=applicant)
    assert client_as(applicant).get(url).status_code == 403
