"""Each role's main pages in Spanish carry no English from the page frame.

The frame is what every page shares: the skip link, the navigation and its
menus, the role badges, the language switcher, the footer. A role's home and
its navigation targets are rendered with the profile in Spanish, and none of
the frame's English words may be left.
"""

import re

import pytest
from django.utils import translation

from tests import factories

pytestmark = pytest.mark.django_db

# The frame's words in English (templates/base.html, includes/_nav_links.html,
# the roles' labels), as they would appear between tags.
FRAME_ENGLISH = [
    "Skip to main content",
    "Main navigation",
    "Show navigation",
    "Settings and e-mail",
    "My calendar feed",
    "Change password",
    "Sign out",
    "Sign in",
    "Create an account",
    "DASH Mentor Portal",
    "DASH Mentor Program ·",
    "Questions?",
    ">Program<",
    ">Applications<",
    ">Placement<",
    ">Cohorts<",
    ">Surveys<",
    ">Affinity groups<",
    ">Peer network<",
    ">My reviews<",
    ">My cohort<",
    ">My mentorship<",
    ">Alumni home<",
    ">My applications<",
    ">Peers<",
    "Program staff",
    ">Reviewer<",
    ">Mentee<",
    ">Applicant<",
    "Affinity-group participant",
]


def frame_of(html: str) -> str:
    """The page without its main content: the frame alone."""
    return re.sub(r'<main id="main".*?</main>', "", html, flags=re.S)


def english_left(html: str) -> list[str]:
    frame = frame_of(html)
    return [words for words in FRAME_ENGLISH if words in frame]


@pytest.fixture
def roles(db, staff_user, reviewer_user, mentor_user, mentee_user, applicant_user):
    return {
        "staff": (staff_user, ["/apply/staff/applications/", "/cohorts/program/"]),
        "reviewer": (reviewer_user, ["/apply/reviews/", "/notifications/settings/"]),
        "mentor": (mentor_user, ["/cohorts/mentor/", "/surveys/"]),
        "mentee": (mentee_user, ["/cohorts/mentee/", "/groups/"]),
        "applicant": (applicant_user, ["/apply/my/", "/surveys/"]),
    }


@pytest.mark.parametrize("role", ["staff", "reviewer", "mentor", "mentee", "applicant"])
def test_a_roles_pages_in_spanish_have_no_english_in_their_frame(client, roles, role):
    user, paths = roles[role]
    user.language = "es"
    user.save()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    home = client.get("/home/", follow=True)
    assert home.status_code == 200
    pages = [home] + [client.get(path) for path in paths]
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert '<html lang="es">' in html
        assert english_left(html) == [], page.request["PATH_INFO"]
        # The Spanish frame is there indeed.
        assert "Cerrar sesión" in html and "Ir al contenido principal" in html


def test_the_public_frame_in_spanish_has_no_english(client):
    factories.RoundFactory()
    client.cookies["portal_language"] = "es"
    page = client.get("/")
    html = page.content.decode()
    assert english_left(html) == []
    assert "Iniciar sesión" in html and "Crear una cuenta" in html


def test_the_same_frame_in_english_is_found_english(client, staff_user):
    """The check finds the frame's English when the page is in English."""
    client.force_login(staff_user, backend="django.contrib.auth.backends.ModelBackend")
    with translation.override("en"):
        html = client.get("/staff/").content.decode()
    assert "Sign out" in english_left(html)
