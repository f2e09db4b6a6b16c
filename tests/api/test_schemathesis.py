"""Property-based tests of the whole API against its own OpenAPI document.

The portal runs on a live server (a real HTTP socket on loopback); for each
operation of ``/api/schema/``, schemathesis generates requests (valid and
not: odd ids, strings, dates, cursors, bodies) and sends each with a staff
token (with every write scope) and with an applicant's token. No answer may
be a server error, and every answer the document describes must match it
(status, content type, body).
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from pytest_django.live_server_helper import LiveServer

from cohorts.models import Event
from tests import factories
from tests.applications import review_factories as rf

from .conftest import token_for

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.content_type_conformance,
]


@pytest.fixture(scope="module")
def portal(django_db_setup, django_db_blocker):
    """A live server of this module, a small program behind it, and a token of
    each kind, made once for the module (what the generated writes add stays
    till its end, when the server stops and the tables are emptied, as after
    any transactional test)."""
    with django_db_blocker.unblock():
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield _program(server)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0, reset_sequences=False)


def _program(live_server) -> dict:
    round_ = factories.RoundFactory(slug="open-round")
    rf.rubric(round_)
    staff = factories.StaffFactory()
    applicant = factories.UserFactory()
    own = rf.SubmittedApplicationFactory(round=round_, created_by=applicant)
    rf.eligibility_results(own)
    member = factories.CohortMemberFactory(award__application__round=round_)
    Event.objects.create(
        mentorship=member.award.mentorship,
        kind=Event.Kind.WEBINAR,
        title="Webinar",
        starts_at=timezone.now() - dt.timedelta(hours=1),
    )
    return {
        "url": live_server.url,
        "tokens": {
            "staff": token_for(
                staff, "write:attendance", "write:decisions", "write:progress"
            ),
            "applicant": token_for(applicant),
        },
    }


def _document() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


# The document the live server serves (the first test checks they are one).
DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT)


def test_the_live_server_serves_the_document_the_tests_use(portal):
    import json
    import urllib.request

    with urllib.request.urlopen(f"{portal['url']}/api/schema/?format=json") as got:
        served = json.load(got)
    assert served == json.loads(json.dumps(DOCUMENT, default=str))


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_every_operation_answers_by_its_schema_never_a_server_error(case, portal):
    with override_settings(RATE_LIMITS=UNLIMITED):
        _call(case, portal)


UNLIMITED = {"api": (100_000, 60), "api_anonymous": (100_000, 60)}


def _call(case, portal):
    for token in portal["tokens"].values():
        case.call_and_validate(
            base_url=portal["url"],
            headers={"Authorization": f"Bearer {token}"},
            checks=CHECKS,
        )
