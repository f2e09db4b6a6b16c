"""Seats under concurrency, on PostgreSQL: row locks keep every cohort in capacity."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from applications.models import Award
from cohorts.models import PlacementRun
from cohorts.placement import services
from tests import factories
from tests.cohorts.placement_factories import applicant, mentorships

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_at_once(jobs):
    """Run each job in its own thread and database connection, all released
    together; return the results (the job's return value or its exception)."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def work(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - a refusal is a result here
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_twenty_parallel_moves_into_five_free_seats_exactly_five_succeed():
    """20 staff moves of different awards into a cohort with 5 free seats at the
    same moment: 5 succeed, 15 are refused naming the cohort and its capacity,
    and the cohort ends at its capacity."""
    staff = factories.StaffFactory()
    round_ = factories.RoundFactory(awards_count=100)
    target, source = mentorships(round_, [7, 40])
    for _ in range(2):
        factories.AwardFactory(application__round=round_, mentorship=target)
    awards = [
        factories.AwardFactory(application__round=round_, mentorship=source)
        for _ in range(20)
    ]

    def mover(award):
        return lambda: services.award_move(award=award, mentorship=target, by=staff)

    results = _run_at_once([mover(a) for a in awards])
    moved = [r for r in results if isinstance(r, Award)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(moved) == 5
    assert len(refused) == 15
    message = services.COHORT_FULL.format(cohort=target.short_name, capacity=7)
    assert all(r.messages == [message] for r in refused)
    active = Award.objects.filter(mentorship=target, status__in=Award.ACTIVE)
    assert active.count() == 7


def test_a_commit_racing_moves_never_overfills_a_cohort():
    """A commit and moves into the same cohort at once: whichever wins, the
    cohort never holds more than its capacity, and a refused commit creates
    nothing."""
    staff = factories.StaffFactory()
    round_ = factories.RoundFactory(awards_count=100)
    target, source = mentorships(round_, [3, 20])
    placed = [applicant(round_, prefs=[target]) for _ in range(2)]
    run = services.placement_preview(round=round_, by=staff)
    awards = [
        factories.AwardFactory(application__round=round_, mentorship=source)
        for _ in range(3)
    ]
    jobs = [lambda: services.placement_commit(run=run, by=staff)] + [
        (lambda a=a: services.award_move(award=a, mentorship=target, by=staff))
        for a in awards
    ]
    results = _run_at_once(jobs)
    active = Award.objects.filter(mentorship=target, status__in=Award.ACTIVE)
    assert active.count() <= 3
    run.refresh_from_db()
    if isinstance(results[0], ValidationError):
        assert run.status == PlacementRun.Status.PREVIEW
        assert not Award.objects.filter(application__in=placed).exists()
        assert active.count() == 3
    else:
        assert run.status == PlacementRun.Status.COMMITTED, repr(results)
        assert sum(isinstance(r, Award) for r in results[1:]) == 1
