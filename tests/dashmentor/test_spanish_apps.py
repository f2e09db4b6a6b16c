"""The program's pages in Spanish carry no English of their own.

test_spanish_frame.py checks the frame every page shares; this checks what is
inside it. The main pages of the cohorts, surveys and affinity-group apps are
rendered for a mentor, a mentee, staff and an affinity-group participant whose
profile is in Spanish, and none of their English headings, table headers,
buttons and empty-state sentences may be left. The same pages in English are
checked to carry those words, so the list keeps testing something.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from surveys.models import Invitation, hash_token, new_invitation_token
from tests import factories
from tests.cohorts import year_factories as yf
from tests.surveys.factories import SurveyFactory, add_questions

pytestmark = pytest.mark.django_db

# The pages' own words in English, as they appear between tags or in an
# attribute (a heading, a table header, a button, a tab, an empty state).
COHORTS_ENGLISH = [
    ">Mentee organization<",
    ">Last check-in<",
    ">Surveys completed<",
    "Events and attendance",
    "Schedule a check-in",
    "Plan a webinar series",
    "Refresh now",
    "Record a call",
    "What to do next",
    "The latest from your mentor",
    "Our goal's progress",
    "Report a team change",
    "Add these to my calendar",
    ">At a glance<",
    ">Work plan<",
    ">Success goal<",
    ">Action logs<",
    ">Check-in notes<",
    ">Coming up<",
    ">Past<",
    "Schedule an event",
    "Submitted versions",
    "Individual success goal",
    "Action periods and logs",
    "Team and personnel changes",
    "Report a change",
    "Your personal address",
    "Next in your feed",
    ">Totals<",
    "work plans awaiting a mentor",
    "personnel changes to apply",
    "Placement and awards",
    ">Awards held<",
    ">Awards available<",
    "No placement yet",
    "Compute a preview",
    ">Pins and exclusions<",
    ">Waitlist<",
    ">Free seats<",
    "Offers waiting for an answer",
    "Waitlisted applicants",
    ">Personnel changes<",
    "Recently applied",
    ">Mentor organization<",
    ">Mentee organizations<",
]


SURVEYS_ENGLISH = [
    ">My surveys<",
    "Your survey invitations",
    ">Closes<",
    ">To answer<",
    "Submit answers",
    "Back to my surveys",
    "You can submit once.",
    ">New survey<",
    "All surveys, newest first",
    ">Settings<",
    ">Report<",
    "Copy survey",
    "Add a question",
    "Add a section",
    "Survey settings",
    "Anonymous surveys",
    "Save survey",
    "Response rate",
    "Figures as of",
]


def main_of(html: str) -> str:
    """The page's main content, without the frame."""
    found = re.search(r'<main id="main".*?</main>', html, flags=re.S)
    return found.group(0) if found else html


def english_left(html: str, words: list[str]) -> list[str]:
    main = main_of(html)
    return [w for w in words if w in main]


@pytest.fixture
def year():
    """A cohort mid-year: its mentorship, its mentor and two mentee members."""
    mentorship, mentor, members = yf.cohort(2)
    return mentorship, mentor, members


def cohort_pages(year, staff):
    mentorship, mentor, members = year
    award = members[0].award
    round_ = mentorship.round
    y = [award.pk]
    return {
        "mentor": (
            mentor,
            [
                reverse("cohorts:mentor-home"),
                reverse("cohorts:year-overview", args=y),
                reverse("cohorts:workplan-detail", args=y),
                reverse("cohorts:success-goal", args=y),
                reverse("cohorts:action-logs", args=y),
                reverse("cohorts:checkin-notes", args=y),
                reverse("cohorts:event-list", args=[mentorship.pk]),
                reverse("cohorts:event-create", args=[mentorship.pk]),
                reverse("cohorts:event-series", args=[mentorship.pk]),
                reverse("cohorts:calendar"),
                reverse("cohorts:cohort-detail", args=[mentorship.pk]),
            ],
        ),
        "mentee": (
            members[0].user,
            [
                reverse("cohorts:mentee-home"),
                reverse("cohorts:workplan-detail", args=y),
                reverse("cohorts:success-goal", args=y),
                reverse("cohorts:action-logs", args=y),
                reverse("cohorts:personnel-report", args=y),
                reverse("cohorts:event-list", args=[mentorship.pk]),
            ],
        ),
        "staff": (
            staff,
            [
                reverse("cohorts:program-dashboard"),
                reverse("cohorts:personnel-list"),
                reverse("cohorts:placement-rounds"),
                reverse("cohorts:placement-round", args=[round_.pk]),
                reverse("cohorts:placement-constraints", args=[round_.pk]),
                reverse("cohorts:award-list", args=[round_.pk]),
                reverse("cohorts:placement-waitlist", args=[round_.pk]),
                reverse("cohorts:award-detail", args=[award.pk]),
            ],
        ),
    }


def pages_in(client, user, paths, language):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200, path
        yield path, page.content.decode()


@pytest.mark.parametrize("role", ["mentor", "mentee", "staff"])
def test_the_cohort_pages_in_spanish_have_no_english(client, year, staff_user, role):
    user, paths = cohort_pages(year, staff_user)[role]
    for path, html in pages_in(client, user, paths, "es"):
        assert '<html lang="es">' in html
        assert english_left(html, COHORTS_ENGLISH) == [], path


def test_the_cohort_pages_in_english_carry_the_words_checked(client, year, staff_user):
    """The list is not stale: each of its words is found on some page in English."""
    seen = set()
    for user, paths in cohort_pages(year, staff_user).values():
        for _path, html in pages_in(client, user, paths, "en"):
            seen.update(english_left(html, COHORTS_ENGLISH))
    assert set(COHORTS_ENGLISH) - seen == set()


def test_a_quiet_mentee_reads_why_in_spanish(client, year):
    """The dashboard's reasons, kept as data, are said in the reader's language."""
    mentorship, mentor, _members = year
    mentor.language = "es"
    mentor.save(update_fields=["language"])
    client.force_login(mentor, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("cohorts:mentor-home")).content.decode()
    assert "Sin actividad" in html and "Nada registrado" in html
    assert "Nothing logged" not in html
    with translation.override("en"):
        mentor.language = "en"
        mentor.save(update_fields=["language"])
        html = client.get(reverse("cohorts:mentor-home")).content.decode()
    assert "Nothing logged" in html


def test_an_unknown_round_page_still_answers_in_spanish(client, staff_user):
    """A round with nothing placed yet: the empty states are in Spanish too."""
    round_ = factories.RoundFactory()
    for path, html in pages_in(
        client,
        staff_user,
        [
            reverse("cohorts:placement-round", args=[round_.pk]),
            reverse("cohorts:award-list", args=[round_.pk]),
            reverse("cohorts:placement-waitlist", args=[round_.pk]),
        ],
        "es",
    ):
        assert english_left(html, COHORTS_ENGLISH + ["No awards yet"]) == [], path


@pytest.fixture
def survey_pages(staff_user, mentee_user):
    """An open survey of the mentee's round, with a question of every kind."""
    member = mentee_user.cohort_memberships.select_related("award").first()
    survey = SurveyFactory(round=member.award.application.round, status="open")
    add_questions(survey)
    Invitation.objects.create(
        survey=survey,
        user=mentee_user,
        email=mentee_user.email,
        mentorship=member.award.mentorship,
        token_hash=hash_token(new_invitation_token()),
    )
    return {
        "mentee": (
            mentee_user,
            [
                reverse("surveys:my-surveys"),
                reverse("surveys:answer-signed-in", args=[survey.pk]),
                reverse("surveys:thanks", args=[survey.pk]),
            ],
        ),
        "staff": (
            staff_user,
            [
                reverse("surveys:staff-survey-list"),
                reverse("surveys:survey-create"),
                reverse("surveys:survey-builder", args=[survey.pk]),
                reverse("surveys:survey-edit", args=[survey.pk]),
                reverse("surveys:survey-report", args=[survey.pk]),
            ],
        ),
    }


@pytest.mark.parametrize("role", ["mentee", "staff"])
def test_the_survey_pages_in_spanish_have_no_english(client, survey_pages, role):
    user, paths = survey_pages[role]
    for path, html in pages_in(client, user, paths, "es"):
        assert english_left(html, SURVEYS_ENGLISH) == [], path


def test_the_survey_pages_in_english_carry_the_words_checked(client, survey_pages):
    seen = set()
    for user, paths in survey_pages.values():
        for _path, html in pages_in(client, user, paths, "en"):
            seen.update(english_left(html, SURVEYS_ENGLISH))
    assert set(SURVEYS_ENGLISH) - seen == set()


def test_a_survey_report_is_kept_in_each_language(client, survey_pages, staff_user):
    """The kept report is per language: English and Spanish readers each get
    theirs, and neither page shows the other's words."""
    path = survey_pages["staff"][1][-1]
    ((_p, spanish),) = pages_in(client, staff_user, [path], "es")
    ((_p, english),) = pages_in(client, staff_user, [path], "en")
    ((_p, spanish_again),) = pages_in(client, staff_user, [path], "es")
    assert "Tasa de respuesta" in spanish and "Response rate" not in main_of(spanish)
    assert "Response rate" in english and "Tasa de respuesta" not in english
    assert "Tasa de respuesta" in spanish_again
