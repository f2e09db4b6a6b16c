"""Each demo role signs in through the form and lands on its own home, named by
its own label: an affinity-group participant who is not an applicant lands on
its groups, not on "My applications"."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.support.demo import DEMO_PASSWORD
from tests.support.forms import page_form

LANDINGS = {
    "staff": ("staff-home", "Program staff"),
    "reviewer": ("applications:reviewer-queue", "Reviewer"),
    "mentor": ("cohorts:mentor-home", "Mentor"),
    "mentee": ("cohorts:mentee-home", "Mentee"),
    "applicant": ("applications:applicant-home", "Applicant"),
    "participant": ("affinity:group-list", "Affinity-group participant"),
}
BADGE = re.compile(r'<span class="badge text-bg-light ms-1[^"]*">([^<]+)</span>')


@pytest.fixture(scope="module")
def demo_accounts(demo_snapshot, django_db_blocker):
    with django_db_blocker.unblock():
        output = demo_snapshot.restore()
    yield dict(re.findall(r"^\s+(\w+)\s+(\S+@\S+)\s*$", output, re.MULTILINE))
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0, reset_sequences=False)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(LANDINGS))
def test_each_demo_role_lands_on_its_own_home_with_its_label(
    demo_accounts, client, role
):
    landing, label = LANDINGS[role]
    email = demo_accounts[role]
    form = page_form(
        client.get(reverse("login")).content.decode(), containing="username"
    )
    data = form.post_data()
    data["username"], data["password"] = [email], [DEMO_PASSWORD]
    response = client.post(reverse("login"), data, follow=True)
    assert response.redirect_chain, f"{email} was not signed in"
    assert response.redirect_chain[-1][0] == reverse(landing)
    assert response.status_code == 200
    assert BADGE.findall(response.content.decode()) == [label]


@pytest.mark.django_db
def test_a_participant_can_still_start_an_application(demo_accounts, client):
    """Not an applicant yet, the participant may create its organization's
    profile to apply, and is an applicant from then on."""
    from dashmentor.models import User
    from dashmentor.roles import Role, user_roles

    user = User.objects.get(email=demo_accounts["participant"])
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("applications:organization")).status_code == 200
    assert client.get(reverse("applications:applicant-home")).status_code == 403
    response = client.post(
        reverse("applications:organization"),
        {
            "name": "Lakeside Community Health",
            "org_type": "public",
            "sector": "public_health",
            "ein": "",
            "state": "OH",
            "country": "United States",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Role.APPLICANT in user_roles(User.objects.get(pk=user.pk))


@pytest.mark.django_db
def test_joining_or_leading_a_group_makes_a_participant_at_once(client_as):
    """The roles kept between requests follow a membership and a leader's
    appointment on the very next request."""
    from affinity.models import GroupMember
    from tests import factories
    from tests.affinity.factories import GroupFactory

    group = GroupFactory(capacity=5)
    person = factories.UserFactory()
    client = client_as(person)
    assert client.get(reverse("home"))["Location"] == reverse(
        "applications:applicant-home"
    )
    client.post(reverse("affinity:join", args=[group.pk]))
    assert GroupMember.objects.filter(group=group, user=person).exists()
    assert client.get(reverse("home"))["Location"] == reverse("affinity:group-list")
    client.post(reverse("affinity:leave", args=[group.pk]))
    assert client.get(reverse("home"))["Location"] == reverse(
        "applications:applicant-home"
    )
    leader = factories.UserFactory()
    client = client_as(leader)
    client.get(reverse("home"))
    group.leaders.add(leader)
    assert client.get(reverse("home"))["Location"] == reverse("affinity:group-list")
