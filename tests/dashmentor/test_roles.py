"""A user's roles are kept between requests and follow every change at once."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Award
from cohorts.placement import services as placement_services
from dashmentor import roles
from dashmentor.models import Membership, Organization
from tests import factories

pytestmark = pytest.mark.django_db

MENTOR_HOME = reverse("cohorts:mentor-home")
MENTEE_HOME = reverse("cohorts:mentee-home")
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def roles_queries(queries) -> list[str]:
    """The queries that compute roles: the one that names its flag "leads"."""
    return [q["sql"] for q in queries if '"leads"' in q["sql"]]


def admin_form_data(response) -> dict:
    """The POST data of an admin change form as it was shown, inlines included."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            data[field.html_name] = value
    return data


def test_a_second_page_reads_the_roles_kept_from_the_first(client_as, staff_user):
    """Signed-in pages compute the roles once, not on every request."""
    client = client_as(staff_user)
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse("staff-home")).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get(reverse("public-home")).status_code == 200
    assert len(roles_queries(first)) == 1
    assert roles_queries(second) == []


def test_a_person_placed_in_a_cohort_reaches_the_mentee_pages_at_once(
    client_as, applicant_user, mentorship
):
    """Joining a cohort grants the mentee role on the very next request."""
    client = client_as(applicant_user)
    assert client.get(MENTEE_HOME).status_code == 403
    factories.CohortMemberFactory(
        user=applicant_user,
        award__application__round=mentorship.round,
        award__mentorship=mentorship,
    )
    page = client.get(MENTEE_HOME)
    assert page.status_code == 200
    assert "My mentorship" in page.content.decode()


def test_a_withdrawn_mentee_loses_the_mentee_pages_at_once(
    client_as, mentee_user, staff_user
):
    """Withdrawing the award removes the mentee role on the very next request."""
    client = client_as(mentee_user)
    assert client.get(MENTEE_HOME).status_code == 200
    award = mentee_user.cohort_memberships.get().award
    placement_services.award_transition(
        award=award, status=Award.Status.WITHDRAWN, by=staff_user
    )
    assert client.get(MENTEE_HOME).status_code == 403


def test_leading_a_mentorship_is_followed_from_either_side(client_as, mentor_user):
    """Adding, removing and clearing mentors, from either side, moves the role."""
    client = client_as(mentor_user)
    mentorship = mentor_user.mentorships_led.get()
    assert client.get(MENTOR_HOME).status_code == 200
    mentorship.mentors.remove(mentor_user)
    assert client.get(MENTOR_HOME).status_code == 403
    mentor_user.mentorships_led.add(mentorship)
    assert client.get(MENTOR_HOME).status_code == 200
    mentorship.mentors.clear()
    assert client.get(MENTOR_HOME).status_code == 403
    mentorship.mentors.add(mentor_user)
    assert client.get(MENTOR_HOME).status_code == 200
    mentor_user.mentorships_led.clear()
    assert client.get(MENTOR_HOME).status_code == 403


def test_a_deleted_mentorship_takes_its_mentors_role_with_it(client_as, mentor_user):
    client = client_as(mentor_user)
    assert client.get(MENTOR_HOME).status_code == 200
    mentor_user.mentorships_led.get().delete()
    assert client.get(MENTOR_HOME).status_code == 403


@pytest.fixture
def admin_user(db):
    return factories.StaffFactory(is_superuser=True)


def test_staff_moving_a_membership_in_the_admin_moves_the_role(client_as, admin_user):
    """A membership given to someone else in the admin leaves its old holder."""
    organization = factories.MentorOrganizationFactory()
    before = factories.UserFactory()
    after = factories.UserFactory()
    membership = factories.MembershipFactory(
        user=before, organization=organization, role=Membership.Role.MENTOR
    )
    assert client_as(before).get(MENTOR_HOME).status_code == 200
    assert client_as(after).get(MENTOR_HOME).status_code == 403

    admin = client_as(admin_user)
    url = reverse("admin:dashmentor_organization_change", args=[organization.pk])
    data = admin_form_data(admin.get(url))
    data["memberships-0-user"] = after.pk
    assert admin.post(url, data).status_code == 302
    membership.refresh_from_db()
    assert membership.user == after

    assert client_as(before).get(MENTOR_HOME).status_code == 403
    assert client_as(after).get(MENTOR_HOME).status_code == 200


def test_staff_changing_an_organizations_kind_changes_its_members_roles(
    client_as, admin_user
):
    organization = factories.MentorOrganizationFactory()
    mentor = factories.MembershipFactory(
        organization=organization, role=Membership.Role.MENTOR
    ).user
    assert client_as(mentor).get(MENTOR_HOME).status_code == 200

    admin = client_as(admin_user)
    url = reverse("admin:dashmentor_organization_change", args=[organization.pk])
    data = admin_form_data(admin.get(url))
    data["kind"] = Organization.Kind.APPLICANT
    assert admin.post(url, data).status_code == 302

    assert client_as(mentor).get(MENTOR_HOME).status_code == 403


def test_roles_read_before_a_change_commits_are_not_kept(client_as, mentor_user):
    """A request that read the old rows while a change committed keeps nothing."""
    client = client_as(mentor_user)
    read = roles._query_data_roles

    def read_then_race(user_id):
        found = read(user_id)
        # The mentor is removed between this request's read and its caching.
        mentor_user.mentorships_led.clear()
        return found

    with mock.patch.object(roles, "_query_data_roles", read_then_race):
        assert client.get(MENTOR_HOME).status_code == 200
    assert client.get(MENTOR_HOME).status_code == 403


def test_pages_are_served_while_the_cache_is_down(client_as, mentor_user, settings):
    """Without the cache, roles are read from the database and change: slower, right."""
    settings.CACHES = DEAD_REDIS
    client = client_as(mentor_user)
    # A page that reads nothing else from the cache: the menus show the roles.
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert MENTOR_HOME in page.content.decode()
    assert client.get(MENTEE_HOME).status_code == 403
    # A change of roles is not refused for want of the cache.
    mentor_user.mentorships_led.clear()
    assert (
        MENTOR_HOME
        not in client.get(reverse("notifications:preferences")).content.decode()
    )
    assert client.get(MENTOR_HOME).status_code == 403


@pytest.mark.parametrize("kept", [True, False])
def test_without_a_shared_cache_a_stale_entry_left_by_another_process_is_not_read(
    client_as, mentee_user, settings, kept
):
    """With a cache per process (production without REDIS_URL), roles are read fresh.

    An entry another worker kept before a change it could not see marked must
    not decide this worker's pages; with a shared cache the mark reaches it.
    """
    settings.ROLES_CACHE_ENABLED = kept
    client = client_as(mentee_user)
    # What another process could hold: the roles from before a withdrawal.
    cache.set(roles._roles_cache_key(mentee_user.pk), [], 300)
    status = client.get(MENTEE_HOME).status_code
    assert status == (403 if kept else 200)
