"""Two staff at the same moment, on real row locks (PostgreSQL only)."""

import threading

import pytest
from django.db import connection

from applications.models import Decision
from applications.review import services
from notifications.models import Kind, Message
from tests import factories
from tests.applications import review_factories as rf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Run the calls in threads released at the same instant; return results
    (or the exception each raised)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_simultaneous_decisions_one_wins_the_other_sees_it():
    """Both saw no decision; exactly one is written, the other is refused
    with the winner's decision, and nothing is silently lost."""
    a, b = factories.StaffFactory(), factories.StaffFactory()
    app = rf.SubmittedApplicationFactory()
    results = run_together(
        lambda: services.decision_record(
            application=app, outcome="accept", by=a, seen_version=0
        ),
        lambda: services.decision_record(
            application=app, outcome="decline", by=b, seen_version=0
        ),
    )
    conflicts = [r for r in results if isinstance(r, services.DecisionConflict)]
    written = [r for r in results if isinstance(r, Decision)]
    assert len(conflicts) == 1 and len(written) == 1
    stored = Decision.objects.get(application=app)
    assert stored.outcome == written[0].outcome and stored.version == 1
    assert conflicts[0].decision.outcome == stored.outcome


def test_release_clicked_twice_at_once_sends_one_email():
    staff = factories.StaffFactory()
    app = rf.SubmittedApplicationFactory()
    services.decision_record(
        application=app, outcome="accept", by=staff, seen_version=0
    )
    results = run_together(
        lambda: services.decision_release(round=app.round, by=staff),
        lambda: services.decision_release(round=app.round, by=staff),
    )
    assert sorted(results) == [0, 1]
    assert Message.objects.filter(kind=Kind.DECISION).count() == 1
