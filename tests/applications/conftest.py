import pytest

from tests import factories as core

from .factories import complete_application, round_with_questions


@pytest.fixture
def open_round(db):
    return round_with_questions()


@pytest.fixture
def applicant(db):
    """A confirmed applicant with its organization (a human-services nonprofit)."""
    user = core.UserFactory(email="lead@example.org", full_name="Lee Lead")
    org = core.OrganizationFactory(name="Riverside Collaborative", ein="12-3456789")
    core.MembershipFactory(user=user, organization=org)
    return user


@pytest.fixture
def draft(applicant, open_round):
    """A complete draft of ``applicant``'s organization in ``open_round``."""
    return complete_application(
        round=open_round,
        user=applicant,
        organization=applicant.organizations.get(),
    )
