"""Existing rounds get partner names among their identifying fields."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.support.migrations import latest, migrate

BEFORE = [("applications", "0008_organization_as_submitted_fill")]
AFTER = [("applications", "0009_round_blind_partners")]


@pytest.mark.django_db(transaction=True)
def test_rounds_that_withhold_the_organization_withhold_its_partners_too():
    old_apps = migrate(BEFORE)
    Round = old_apps.get_model("applications", "Round")
    now = timezone.now()

    def make(slug, fields):
        return Round.objects.create(
            name=slug,
            slug=slug,
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
            contract_start=now.date(),
            contract_end=now.date(),
            blind_review=True,
            blind_fields=fields,
        ).pk

    ids = {
        "old-default": make(
            "old-default", ["organization", "contacts", "collaboration_name"]
        ),
        "organization-only": make("organization-only", ["organization"]),
        "contacts-only": make("contacts-only", ["contacts"]),
        "nothing": make("nothing", []),
        "already": make("already", ["partners", "organization"]),
    }
    new_apps = migrate(AFTER)
    Round = new_apps.get_model("applications", "Round")
    fields = {k: Round.objects.get(pk=pk).blind_fields for k, pk in ids.items()}
    assert fields == {
        "old-default": ["organization", "contacts", "collaboration_name", "partners"],
        "organization-only": ["organization", "partners"],
        "contacts-only": ["contacts"],
        "nothing": [],
        "already": ["partners", "organization"],
    }
    # And back: only what the migration would have added goes.
    Round = migrate(BEFORE).get_model("applications", "Round")
    assert Round.objects.get(pk=ids["old-default"]).blind_fields == [
        "organization",
        "contacts",
        "collaboration_name",
    ]
    assert Round.objects.get(pk=ids["contacts-only"]).blind_fields == ["contacts"]
    migrate(latest())
