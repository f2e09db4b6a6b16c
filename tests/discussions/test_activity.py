"""The taper warning: activity per month with the attendance report's rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from affinity.models import Group
from discussions import rules, selectors, services
from discussions.models import Post
from discussions.permissions import Ref


def bucket(start, activity, attendance=None):
    return rules.Bucket(start, activity, 0, attendance)


def test_a_space_that_goes_quiet_tapers_and_a_steady_one_does_not():
    months = [dt.date(2026, m, 1) for m in range(1, 7)]
    quiet = [bucket(m, n) for m, n in zip(months, [9, 8, 6, 3, 1, 0], strict=True)]
    steady = [bucket(m, n) for m, n in zip(months, [5, 6, 5, 6, 5, 5], strict=True)]
    assert rules.activity_tapers(quiet)
    assert not rules.activity_tapers(steady)
    assert not rules.activity_tapers([bucket(m, 0) for m in months])
    falling = [
        bucket(m, 5, a)
        for m, a in zip(months, [0.9, 0.9, 0.8, 0.6, 0.5, 0.4], strict=True)
    ]
    assert rules.attendance_tapers(falling)


def test_the_digest_periods_are_whole_days_and_weeks():
    now = dt.datetime(2026, 12, 5, 11, 0, tzinfo=dt.UTC)  # a Saturday
    day = rules.period_ending_before("daily", now)
    assert (day.start.date(), day.end.date(), day.name) == (
        dt.date(2026, 12, 4),
        dt.date(2026, 12, 5),
        "2026-12-04",
    )
    week = rules.period_ending_before("weekly", now)
    assert week.start.date() == dt.date(2026, 11, 23)
    assert week.end.date() == dt.date(2026, 11, 30)
    assert week.name == "2026-W48"


@pytest.mark.django_db
def test_leaders_see_their_group_tapering_before_the_midpoint(program, client):
    thread = services.thread_start(
        ref=program.group_ref, title="T", body="Hi", by=program.member, form_token="t"
    )
    first_month = program.group.cycle.starts_on.replace(day=1)
    for k in range(6):
        post = services.post_add(
            thread=thread, body=f"Post {k}", by=program.member, form_token=f"p{k}"
        )
        Post.objects.filter(pk=post.pk).update(
            created_at=timezone.make_aware(
                dt.datetime.combine(first_month, dt.time(12))
            )
        )
    Post.objects.filter(pk=thread.posts.order_by("pk").first().pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(first_month, dt.time(11)))
    )
    found = selectors.activity(program.group_ref)
    assert found.tapers and found.before_midpoint
    client.force_login(program.leader)
    page = client.get(reverse("discussions:activity")).content.decode()
    assert "Tapering" in page and "Data law" in page
    space = client.get(reverse("discussions:space", args=["group", program.group.pk]))
    assert "Activity is tapering off" in space.content.decode()
    client.force_login(program.member)
    assert client.get(reverse("discussions:activity")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 12])
def test_the_activity_page_keeps_a_fixed_query_count(
    program, client, django_assert_max_num_queries, extra
):
    for k in range(extra):
        group = Group.objects.create(
            cycle=program.group.cycle, topic=f"Group {k}", slug=f"g{k}"
        )
        services.thread_start(
            ref=Ref("group", group.pk),
            title="T",
            body="Hi",
            by=program.staff,
            form_token=f"t{k}",
        )
    client.force_login(program.staff)
    client.get(reverse("discussions:activity"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("discussions:activity")).status_code == 200
