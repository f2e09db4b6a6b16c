"""Views that read one value without a form clean it as a form field would.

Each posts or asks for hostile values (a NUL byte, "²" that ``str.isdigit``
accepts, an id past the integer column, full-width digits) and gets a normal
answer: a 404 for an id that names nothing, the default for a filter, a clear
message for a choice; never a 500, and nothing changes.
"""

import pytest
from django.urls import reverse

from dashmentor.params import MAX_ID, choice_param, id_param
from surveys import services as survey_services
from surveys.models import Question
from tests.factories import MentorshipFactory, RoundFactory
from tests.surveys.factories import SurveyFactory, add_questions

pytestmark = pytest.mark.django_db

HOSTILE = ["\x00", "1\x00", "²", str(MAX_ID + 1), "9" * 40, "-1", "1e3"]


@pytest.mark.parametrize("value", HOSTILE + ["0", "abc", ""])
def test_an_id_is_a_positive_integer_a_column_can_hold(value):
    assert id_param({"x": value}, "x") is None


def test_a_plain_id_and_a_choice_are_kept():
    assert id_param({"x": "42"}, "x") == 42
    assert id_param({"x": str(MAX_ID)}, "x") == MAX_ID
    # As Django's IntegerField: surrounding spaces and other scripts' digits.
    assert id_param({"x": " １２ "}, "x") == 12
    assert choice_param({"d": "up"}, "d", ("up", "down")) == "up"
    assert choice_param({"d": "up\x00"}, "d", ("up", "down")) is None


@pytest.mark.parametrize("value", HOSTILE)
def test_staff_pages_answer_hostile_ids_without_an_error(value, client_as, staff_user):
    round_ = RoundFactory()
    mentorship = MentorshipFactory(round=round_)
    client = client_as(staff_user)
    offer = client.post(
        reverse("cohorts:placement-waitlist-offer", args=[round_.pk]),
        {"application": value, "mentorship": mentorship.pk},
    )
    assert offer.status_code == 404
    refresh = client.post(reverse("cohorts:dashboard-refresh"), {"round": value})
    assert refresh.status_code == 404
    for url in (
        reverse("applications:staff-review-list"),
        reverse("applications:staff-ranked", args=[round_.slug]),
        reverse("cohorts:program-dashboard"),
    ):
        page = client.get(url, {"round": value, "mentorship": value})
        assert page.status_code in (200, 404), (url, page.status_code)


@pytest.mark.parametrize("value", ["\x00", "up\x00", "sideways", ""])
def test_moving_a_question_needs_up_or_down(value, client_as, staff_user):
    survey = SurveyFactory()
    q = add_questions(survey)
    before = list(Question.objects.order_by("order").values_list("pk", flat=True))
    page = client_as(staff_user).post(
        reverse("surveys:question-move", args=[q["single"].pk]),
        {"direction": value},
        follow=True,
    )
    assert page.status_code == 200
    assert str(survey_services.BAD_DIRECTION) in page.text
    assert list(Question.objects.order_by("order").values_list("pk", flat=True)) == (
        before
    )
    section = q["single"].section
    page = client_as(staff_user).post(
        reverse("surveys:section-move", args=[section.pk]),
        {"direction": value},
        follow=True,
    )
    assert str(survey_services.BAD_DIRECTION) in page.text
