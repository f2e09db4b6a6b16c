"""Saving a goal's activities or the success goal's measures keeps what the
mentee did not touch.

The page is loaded as the mentee, its own form read as a browser sends it and
posted back: unchanged, every row of the database is as it was (keys and
values, the plan's "updated" time, the dashboard's version); with one row
edited, the others keep their keys and values; a row goes only when its remove
box is ticked or its fields are emptied.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cohorts.models import Activity, Measure, ProgressEntry
from tests.cohorts import year_factories as yf
from tests.support.forms import assert_same_rows, database_rows, page_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    """A mentee with a goal of three activities and a success goal of two
    measures with progress."""
    _, _, (member,) = yf.cohort(1)
    award = member.award
    goal = yf.GoalFactory(workplan__award=award, title="Engage partners")
    start = award.contract_start
    for days, title, status in [
        (30, "Map partners", "done"),
        (90, "Draft the agreement", "in_progress"),
        (60, "Hold a data forum", "planned"),
    ]:
        yf.ActivityFactory(
            goal=goal,
            title=title,
            target_date=start + dt.timedelta(days=days),
            status=status,
        )
    success = yf.SuccessGoalFactory(award=award)
    for name, unit in [("Partners sharing data", "partners"), ("Dashboards", "")]:
        measure = yf.MeasureFactory(
            success_goal=success, name=name, unit=unit, baseline=Decimal("1.50")
        )
        yf.ProgressEntryFactory(measure=measure, value=Decimal("3"))
    return member, goal


def goal_url(member, goal):
    return reverse("cohorts:goal-edit", args=[member.award.pk, goal.pk])


def success_url(member):
    return reverse("cohorts:success-goal", args=[member.award.pk])


def load(client, url, containing):
    response = client.get(url)
    assert response.status_code == 200
    return page_form(response.content.decode(), containing=containing)


def post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.context and (
        response.context.get("form") and response.context["form"].errors,
        response.context.get("formset") and response.context["formset"].errors,
    )


def test_a_goal_saved_back_unchanged_changes_nothing(client_as, plan):
    member, goal = plan
    client = client_as(member.user)
    form = load(client, goal_url(member, goal), "act-TOTAL_FORMS")
    before = database_rows()
    post(client, goal_url(member, goal), form.post_data())
    assert_same_rows(before, database_rows())


def test_editing_one_activity_leaves_the_others_untouched(client_as, plan):
    member, goal = plan
    client = client_as(member.user)
    data = load(client, goal_url(member, goal), "act-TOTAL_FORMS").post_data()
    activities = list(Activity.objects.order_by("pk").values())
    edited = next(a for a in activities if str(a["id"]) == data["act-1-id"][0])
    data["act-1-title"] = ["A new title"]
    post(client, goal_url(member, goal), data)
    after = {a["id"]: a for a in Activity.objects.values()}
    assert after.pop(edited["id"])["title"] == "A new title"
    assert sorted(after.values(), key=lambda a: a["id"]) == [
        a for a in activities if a["id"] != edited["id"]
    ]


def test_an_activity_goes_only_when_ticked_or_emptied(client_as, plan):
    member, goal = plan
    client = client_as(member.user)
    data = load(client, goal_url(member, goal), "act-TOTAL_FORMS").post_data()
    ticked, emptied = int(data["act-0-id"][0]), int(data["act-1-id"][0])
    kept = int(data["act-2-id"][0])
    data["act-0-DELETE"] = ["on"]
    data["act-1-title"] = [""]
    data["act-1-target_date"] = [""]
    post(client, goal_url(member, goal), data)
    assert list(Activity.objects.values_list("pk", flat=True)) == [kept]
    assert not Activity.objects.filter(pk__in=[ticked, emptied]).exists()


def test_an_activity_half_emptied_is_refused_and_nothing_changes(client_as, plan):
    member, goal = plan
    client = client_as(member.user)
    data = load(client, goal_url(member, goal), "act-TOTAL_FORMS").post_data()
    data["act-1-title"] = [""]
    before = database_rows()
    response = client.post(goal_url(member, goal), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors["title"]
    assert_same_rows(before, database_rows())


def test_the_success_goal_saved_back_unchanged_changes_nothing(client_as, plan):
    member, _ = plan
    client = client_as(member.user)
    form = load(client, success_url(member), "measure-TOTAL_FORMS")
    before = database_rows()
    post(client, success_url(member), form.post_data("save_goal"))
    assert_same_rows(before, database_rows())


def test_editing_one_measure_keeps_the_others_and_all_progress(client_as, plan):
    member, _ = plan
    client = client_as(member.user)
    data = load(client, success_url(member), "measure-TOTAL_FORMS").post_data(
        "save_goal"
    )
    measures = list(Measure.objects.order_by("pk").values())
    progress = list(ProgressEntry.objects.order_by("pk").values())
    data["measure-0-target"] = ["12"]
    post(client, success_url(member), data)
    after = list(Measure.objects.order_by("pk").values())
    assert after[0]["target"] == Decimal("12") and after[0]["id"] == measures[0]["id"]
    assert after[1:] == measures[1:]
    assert list(ProgressEntry.objects.order_by("pk").values()) == progress


def test_a_measure_goes_only_when_ticked_or_emptied(client_as, plan):
    member, _ = plan
    client = client_as(member.user)
    first, second = Measure.objects.order_by("pk")
    data = load(client, success_url(member), "measure-TOTAL_FORMS").post_data(
        "save_goal"
    )
    for field in ("name", "unit", "target"):
        data[f"measure-1-{field}"] = [""]
    post(client, success_url(member), data)
    assert list(Measure.objects.values_list("pk", flat=True)) == [first.pk]
    data = load(client, success_url(member), "measure-TOTAL_FORMS").post_data(
        "save_goal"
    )
    data["measure-0-DELETE"] = ["on"]
    post(client, success_url(member), data)
    assert not Measure.objects.exists()


def test_attendance_saved_back_unchanged_changes_nothing(client_as):
    """Who recorded each mark and when stays with the marks left as they were."""
    mentorship, mentor, members = yf.cohort(3)
    event = yf.EventFactory(mentorship=mentorship)
    for member, status in zip(members, ["present", "absent", "excused"], strict=True):
        yf.AttendanceFactory(event=event, member=member, status=status)
    client = client_as(mentor)
    url = reverse("cohorts:event-attendance", args=[event.pk])
    form = load(client, url, f"member_{members[0].pk}")
    before = database_rows()
    post(client, url, form.post_data())
    assert_same_rows(before, database_rows())
