import datetime as dt

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone

from affinity.models import Cycle, Drawing, Meeting, MeetingAttendance
from applications.models import Application, Award, Decision, Review, Round
from cohorts.models import Event, Mentorship, ProgressEntry, WorkPlan
from dashmentor import demo
from dashmentor.models import User
from surveys.models import Response, Survey
from tests import factories
from tests.support.demo import seed


def table_sizes() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"dashmentor", "applications", "cohorts", "surveys", "affinity"}
    }


@pytest.mark.django_db(transaction=True)
def test_seed_demo_twice_creates_no_duplicates(demo_snapshot):
    """Running the seed a second time adds no row to any table."""
    out = demo_snapshot.restore()  # the rows and output of this run's first seed
    first = table_sizes()
    call_command("seed_demo", verbosity=0)
    assert table_sizes() == first
    assert "Password:" in out


@pytest.mark.django_db(transaction=True)
def test_seed_demo_has_the_calls_mentorships_rounds_and_every_role(demo_snapshot):
    """The seed holds the call's seven mentorships, its deadline, and every role."""
    demo_snapshot.restore()
    historical = Round.objects.get(slug="round-2")
    year = demo.demo_dates(timezone.localdate()).past_year
    assert historical.closes_at_local().strftime("%Y-%m-%d %H:%M %Z") == (
        f"{year - 1}-12-23 15:30 EST"
    )
    assert Round.objects.count() >= 2
    assert any(r.is_open() for r in Round.objects.all())
    names = set(
        Mentorship.objects.filter(round=historical).values_list(
            "mentor_organization__name", flat=True
        )
    )
    assert len(names) == 7
    assert {"2-1-1 San Diego", "Civic Canopy", "CORE", "United Way Worldwide"} <= names
    assert User.objects.filter(is_staff=True).exists()
    assert User.objects.filter(is_reviewer=True).exists()
    assert User.objects.filter(mentorships_led__isnull=False).exists()


DEMO_APPS = {"dashmentor", "applications", "cohorts", "surveys", "affinity"}


def date_range() -> tuple[dt.date, dt.date]:
    """The earliest and latest date of any date field of any demo row."""
    dates = []
    for model in apps.get_models():
        if model._meta.app_label not in DEMO_APPS | {"notifications"}:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.DateField)  # DateTimeField is one too
        ]
        if not fields:
            continue
        found = model.objects.aggregate(
            **{f"min_{f}": Min(f) for f in fields},
            **{f"max_{f}": Max(f) for f in fields},
        )
        for value in found.values():
            if value is not None:
                dates.append(value.date() if isinstance(value, dt.datetime) else value)
    return min(dates), max(dates)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2031, 1, 3, 15, 0, tzinfo=dt.UTC),
        dt.datetime(2034, 8, 20, 9, 30, tzinfo=dt.UTC),
    ],
    ids=["early-january", "late-august"],
)
def test_the_demo_is_dated_from_the_day_it_is_seeded(client, moment):
    """Whatever the day: the open round takes applications, the current
    cohorts are mid-year, the past round has its whole history (decisions,
    awards, a finished year, survey results), and the affinity cycle is the
    current one; no date is stuck in an old year."""
    with time_machine.travel(moment, tick=True):
        seed()
        today = timezone.localdate()
        now = timezone.now()
        earliest, latest = date_range()
        assert today - dt.timedelta(days=4 * 366) < earliest
        assert latest < today + dt.timedelta(days=2 * 366)

        # The open round accepts a new applicant's application.
        open_round = Round.objects.get(slug="open-round")
        assert open_round.is_open()
        applicant = factories.UserFactory()
        factories.MembershipFactory(user=applicant)
        client.force_login(applicant)
        assert open_round.name in client.get(reverse("public-home")).content.decode()
        started = client.post(reverse("applications:start", args=[open_round.slug]))
        assert started.status_code == 302
        assert Application.objects.filter(
            round=open_round, created_by=applicant, status="draft"
        ).exists()

        # The current cohorts are in the middle of their year.
        current = Round.objects.get(slug="in-progress")
        assert current.contract_start < today < current.contract_end
        assert Event.objects.filter(mentorship__round=current, starts_at__lt=now)
        assert Event.objects.filter(mentorship__round=current, starts_at__gt=now)

        # The past round: the seed documents' calendar, its year over.
        past = Round.objects.get(slug="round-2")
        closes = past.closes_at_local()
        assert (closes.month, closes.day, closes.hour, closes.minute) == (
            12,
            23,
            15,
            30,
        )
        assert (past.contract_start.month, past.contract_start.day) == (2, 1)
        assert (past.contract_end.month, past.contract_end.day) == (11, 30)
        assert past.contract_end < current.opens_at.date()
        applications = Application.objects.filter(round=past)
        assert applications.count() >= 20
        assert not applications.filter(status__in=["draft", "submitted"]).exists()
        assert (
            Review.objects.filter(
                assignment__application__round=past, submitted_at__lt=now
            ).count()
            >= 2 * applications.filter(eligibility="eligible").count()
        )
        decisions = Decision.objects.filter(application__round=past)
        assert decisions.count() == applications.count()
        assert not decisions.filter(released_at__isnull=True).exists()
        awards = Award.objects.filter(application__round=past)
        assert awards.count() >= 10
        assert set(awards.values_list("status", flat=True)) == {"ended"}
        assert not WorkPlan.objects.filter(award__in=awards).exclude(status="approved")
        assert not Event.objects.filter(
            mentorship__round=past, starts_at__gt=now
        ).exists()
        assert ProgressEntry.objects.filter(measure__success_goal__award__in=awards)
        end_survey = Survey.objects.get(round=past, kind=Survey.Kind.END)
        assert end_survey.status == Survey.Status.CLOSED
        assert Response.objects.filter(survey=end_survey).count() >= 10

        # Its staff pages are not empty.
        client.force_login(User.objects.get(email="staff@dash.test"))
        home = client.get(reverse("staff-home"))
        row = next(r for r in home.context["rounds"] if r.pk == past.pk)
        assert row.submitted == applications.count()
        assert row.accepted == awards.count()
        dashboard = client.get(reverse("cohorts:program-dashboard"), {"round": past.pk})
        assert dashboard.context["mentee_total"] > 0
        ranked = client.get(reverse("applications:staff-ranked", args=[past.slug]))
        assert ranked.status_code == 200

        # The affinity cycle is the current one; last year's is over.
        latest_cycle, previous = Cycle.objects.order_by("-starts_on")[:2]
        assert latest_cycle.starts_on <= today <= latest_cycle.ends_on
        meetings = Meeting.objects.filter(group__cycle=latest_cycle)
        assert meetings.filter(starts_at__lt=now).exists()
        assert meetings.filter(starts_at__gt=now).exists()
        assert MeetingAttendance.objects.filter(meeting__group__cycle=latest_cycle)
        assert not MeetingAttendance.objects.filter(meeting__starts_at__gt=now)
        assert previous.ends_on < today
        assert Drawing.objects.filter(group__cycle=previous).exists()
        assert not Drawing.objects.filter(group__cycle=latest_cycle).exists()
