import pytest
from django.urls import reverse

from tests import factories


@pytest.mark.django_db
def test_public_home_lists_open_round_with_deadline_in_round_zone(client_as):
    """The deadline is shown in the round's zone, whatever the viewer's zone."""
    round_ = factories.RoundFactory(name="Spring round")
    viewer = factories.UserFactory(time_zone="Asia/Tokyo")
    response = client_as(viewer).get(reverse("public-home"))
    assert response.status_code == 200
    assert "Spring round" in response.content.decode()
    assert "3:30 PM" in response.content.decode()
    assert round_.time_zone in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fixture", "landing"),
    [
        ("staff_user", "staff-home"),
        ("reviewer_user", "applications:reviewer-queue"),
        ("mentor_user", "cohorts:mentor-home"),
        ("mentee_user", "cohorts:mentee-home"),
        ("applicant_user", "applications:applicant-home"),
    ],
)
def test_each_role_lands_on_its_home(client, request, fixture, landing):
    """Signing in sends each role to its own home page, which then loads."""
    user = request.getfixturevalue(fixture)
    response = client.post(
        reverse("login"),
        {"username": user.email, "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 302
    assert home["Location"] == reverse(landing)
    assert client.get(home["Location"]).status_code == 200


@pytest.mark.django_db
def test_wrong_password_gives_the_same_message_whether_or_not_the_email_exists(
    client, applicant_user
):
    """A failed sign-in does not tell whether the e-mail has an account."""
    wrong = client.post(
        reverse("login"), {"username": applicant_user.email, "password": "nope-nope"}
    )
    unknown = client.post(
        reverse("login"), {"username": "nobody@example.org", "password": "nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 200
    assert (
        wrong.context["form"].non_field_errors()
        == unknown.context["form"].non_field_errors()
    )
    assert "correct e-mail address and password" in wrong.content.decode()


@pytest.mark.django_db
def test_unknown_url_shows_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fixture", "url_name"),
    [
        ("applicant_user", "staff-home"),
        ("mentee_user", "cohorts:mentor-home"),
        ("applicant_user", "cohorts:mentee-home"),
        ("mentor_user", "applications:reviewer-queue"),
        ("reviewer_user", "cohorts:program-dashboard"),
        ("mentor_user", "applications:staff-review-list"),
    ],
)
def test_a_role_page_opened_by_another_role_is_refused(
    client_as, request, fixture, url_name
):
    """Another role's page answers 403 with the friendly page."""
    client = client_as(request.getfixturevalue(fixture))
    response = client.get(reverse(url_name))
    assert response.status_code == 403
    assert "Not for you" in response.content.decode()


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_sign_in(client):
    response = client.get(reverse("staff-home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_mentor_cannot_open_another_cohort(client_as, mentor_user):
    """A mentor opening another cohort's page gets 404: existence does not leak."""
    other = factories.MentorshipFactory()
    response = client_as(mentor_user).get(
        reverse("cohorts:cohort-detail", args=[other.pk])
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_navigation_shows_each_roles_own_links(client_as, mentor_user, staff_user):
    """The navigation carries the links of the signed-in user's roles."""
    page = client_as(mentor_user).get(reverse("cohorts:mentor-home")).content.decode()
    assert reverse("cohorts:mentor-home") in page
    assert reverse("staff-home") not in page
    page = client_as(staff_user).get(reverse("staff-home")).content.decode()
    assert reverse("applications:staff-review-list") in page


def _icon_href(html: str) -> str:
    import re

    match = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert match, "the page names no icon"
    return match.group(1)


@pytest.mark.django_db
def test_every_page_has_an_icon_that_is_served(client, client_as, staff_user):
    """The frame names the portal's SVG icon, and the file is there to fetch."""
    public = client.get(reverse("public-home")).content.decode()
    signed_in = client_as(staff_user).get(reverse("staff-home")).content.decode()
    href = _icon_href(public)
    assert _icon_href(signed_in) == href
    icon = client.get(href)
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    body = b"".join(icon.streaming_content).decode()
    assert body.lstrip().startswith("<svg") and "</svg>" in body


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_icon_not_a_404(client):
    """Browsers ask every site for /favicon.ico; the portal answers with its icon."""
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    assert response["Location"] == _icon_href(
        client.get(reverse("public-home")).content.decode()
    )
