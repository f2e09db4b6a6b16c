"""Every measured page runs a fixed number of queries, at most 12, whatever the
number of rows behind it: each is requested at a small and a larger size.

The benchmark (bench/pages.py) measures the same pages against 20,000
applications; these pin that their query count does not grow.
"""

import pytest
from django.urls import reverse

from affinity.models import Cycle
from cohorts.year.reports import dashboard_invalidate
from surveys.models import ReportCache
from tests import factories
from tests.affinity.factories import CycleFactory
from tests.affinity.test_reports import build_cycle
from tests.cohorts import year_factories as yf
from tests.cohorts.test_dashboard import populate
from tests.surveys.conftest import invite  # noqa: F401 - a fixture used below
from tests.surveys.test_views import _answered

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def _get(client, url, data=None):
    response = client.get(url, data or {})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("mentees", [2, 30])
def test_cohort_dashboards_stay_within_twelve_queries(
    mentees, client_as, django_assert_max_num_queries
):
    """Whether the rows are computed (first view, or after a change) or read
    back from the kept ones."""
    mentorship, mentor, members = yf.cohort(mentees)
    populate(mentorship, members)
    client = client_as(mentor)
    _get(client, reverse("cohorts:mentor-home"))  # warm the session
    dashboard_invalidate(mentorships=[mentorship.pk])
    with django_assert_max_num_queries(MAX_QUERIES):
        page = _get(client, reverse("cohorts:mentor-home"))
    assert len(page.context["rows"]) == mentees
    with django_assert_max_num_queries(MAX_QUERIES):
        page = _get(client, reverse("cohorts:mentor-home"))
    assert len(page.context["rows"]) == mentees
    client = client_as(factories.StaffFactory())
    _get(client, reverse("cohorts:program-dashboard"))
    dashboard_invalidate(mentorships=[mentorship.pk])
    with django_assert_max_num_queries(MAX_QUERIES):
        _get(client, reverse("cohorts:program-dashboard"))
    with django_assert_max_num_queries(MAX_QUERIES):
        page = _get(client, reverse("cohorts:program-dashboard"))
    assert "Signals as of" in page.content.decode()


@pytest.mark.parametrize("size", [5, 15])
def test_survey_report_is_computed_once_then_read_in_few_queries(
    size,
    invite,  # noqa: F811
    client_as,
    staff_user,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    """The first view computes and keeps the report; the next ones read it."""
    survey, _q = _answered(size, invite, django_capture_on_commit_callbacks)
    client = client_as(staff_user)
    url = reverse("surveys:survey-report", args=[survey.pk])
    first = _get(client, url)
    kept = ReportCache.objects.get(survey=survey)
    assert first.context["as_of"] == kept.computed_at
    with django_assert_max_num_queries(MAX_QUERIES):
        again = _get(client, url)
    assert again.context["report"].released == first.context["report"].released
    assert "Figures as of" in again.content.decode()


def test_survey_report_is_computed_again_when_answers_are_released(
    invite,  # noqa: F811
    client_as,
    staff_user,
    django_capture_on_commit_callbacks,
):
    """A release (and any completion) makes the kept report stale."""
    survey, q = _answered(5, invite, django_capture_on_commit_callbacks)
    client = client_as(staff_user)
    url = reverse("surveys:survey-report", args=[survey.pk])
    assert _get(client, url).context["report"].released == 5
    _more, _ = _answered(0, invite, django_capture_on_commit_callbacks)
    from surveys import services
    from tests.surveys.factories import cohort_with_mentees, valid_answers

    _cohort, users = cohort_with_mentees(survey.round, 5)
    for user in users:
        with django_capture_on_commit_callbacks(execute=True):
            services.response_submit(
                invitation=invite(survey, user, mentorship=_cohort)[0],
                raw=valid_answers(q),
            )
    page = _get(client, url)
    assert page.context["report"].released == 10
    assert page.context["report"].completed == 10


@pytest.mark.parametrize("groups,members", [(1, 2), (6, 12)])
def test_affinity_report_stays_within_twelve_queries(
    groups, members, client_as, staff_user, django_assert_max_num_queries
):
    cycle = CycleFactory(name="Cycle under test")
    build_cycle(cycle, groups, 4, members, staff_user)
    client = client_as(staff_user)
    url = reverse("affinity:report")
    _get(client, url, {"cycle": cycle.pk})
    with django_assert_max_num_queries(MAX_QUERIES):
        page = _get(client, url, {"cycle": cycle.pk})
    assert "Figures as of" in page.content.decode()


def test_affinity_report_shows_new_attendance_at_once(client_as, staff_user):
    cycle = CycleFactory(name="Cycle under test")
    build_cycle(cycle, 1, 2, 2, staff_user)
    client = client_as(staff_user)
    url = reverse("affinity:report")
    before = _get(client, url, {"cycle": cycle.pk}).content.decode()
    group = Cycle.objects.get(pk=cycle.pk).groups.get()
    group.topic = "A topic renamed after the first view"
    group.save()
    after = _get(client, url, {"cycle": cycle.pk}).content.decode()
    assert "A topic renamed after the first view" in after
    assert "A topic renamed after the first view" not in before


@pytest.mark.parametrize("rounds", [1, 6])
def test_public_and_staff_home_stay_within_twelve_queries(
    rounds, client, client_as, django_assert_max_num_queries
):
    for _ in range(rounds):
        round_ = factories.RoundFactory()
        factories.MentorshipFactory(round=round_)
    with django_assert_max_num_queries(MAX_QUERIES):
        _get(client, reverse("public-home"))
    staff = client_as(factories.StaffFactory())
    _get(staff, reverse("staff-home"))
    with django_assert_max_num_queries(MAX_QUERIES):
        _get(staff, reverse("staff-home"))


def test_admin_application_changelist_stays_within_fifteen_queries(
    client_as, django_assert_max_num_queries
):
    """Unfiltered, as the benchmark opens it: every filter's choices come in
    one query and the total from the table's statistics or one count,
    whatever the rows behind (admin pages may run 15)."""
    from tests.applications import review_factories as rf

    client = client_as(factories.StaffFactory(is_superuser=True))
    # A user's roles are read once, then kept (dashmentor/roles.py): count pages
    # as a running server serves them, not the first one after sign-in.
    client.get(reverse("home"))
    url = reverse("admin:applications_application_changelist")
    counts = []
    for size in (5, 120):
        rf.bulk_round(factories.RoundFactory(), applications=size)
        with django_assert_max_num_queries(15) as queries:
            page = _get(client, url)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
    assert page.context["cl"].result_count == 125
