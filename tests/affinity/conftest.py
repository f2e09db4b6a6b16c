"""Fixtures of the affinity tests: a group with a leader, support staff and
members."""

import pytest

from tests import factories as core

from .factories import GroupFactory, GroupMemberFactory


@pytest.fixture
def leader(db):
    return core.UserFactory(email="leader@example.org", full_name="Lena Leader")


@pytest.fixture
def support(db):
    return core.StaffFactory(email="support@example.org", full_name="Sam Support")


@pytest.fixture
def group(leader, support):
    return GroupFactory(
        topic="Leveraging Health and Housing Data",
        leaders=[leader],
        support_staff=[support],
        capacity=5,
    )


@pytest.fixture
def member(group):
    return GroupMemberFactory(
        group=group, user__email="member@example.org", user__full_name="Mo Member"
    )


@pytest.fixture
def outsider(db):
    return core.UserFactory(email="outsider@example.org", full_name="Oz Outsider")
