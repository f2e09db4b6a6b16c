import pytest

from surveys import services
from surveys.models import Invitation, hash_token, new_invitation_token

from .factories import SurveyFactory, add_questions, cohort_with_mentees


@pytest.fixture
def open_survey(db):
    """An anonymous midpoint survey open to a round of two cohorts (5 and 4)."""
    survey = SurveyFactory()
    questions = add_questions(survey)
    big, big_users = cohort_with_mentees(survey.round, 5)
    small, small_users = cohort_with_mentees(survey.round, 4)
    survey.status = survey.Status.OPEN
    survey.save()
    return survey, questions, {"big": (big, big_users), "small": (small, small_users)}


@pytest.fixture
def invite():
    """Create an invitation for a user and return (invitation, token)."""

    def make(survey, user, mentorship=None, organization=None):
        token = new_invitation_token()
        invitation = Invitation.objects.create(
            survey=survey,
            user=user,
            email=user.email,
            mentorship=mentorship,
            organization=organization,
            token_hash=hash_token(token),
        )
        return invitation, token

    return make


@pytest.fixture
def submit():
    def run(invitation, raw):
        return services.response_submit(invitation=invitation, raw=raw)

    return run
