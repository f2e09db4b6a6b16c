"""Pure rules of the engine, without a database."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifications import rules

DUE = dt.datetime(2030, 5, 15, 19, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("before", "stage"),
    [
        (dt.timedelta(days=8), None),
        (dt.timedelta(days=7), 7),
        (dt.timedelta(days=2), 7),
        (dt.timedelta(hours=23), 1),
        (dt.timedelta(seconds=1), 1),
        (dt.timedelta(0), None),
        (-dt.timedelta(hours=1), None),
    ],
)
def test_due_stage_is_the_latest_passed_offset_before_the_deadline(before, stage):
    assert rules.due_stage(due_at=DUE, now=DUE - before, offsets_days=[7, 1]) == stage


def test_a_stage_that_began_before_the_thing_existed_is_not_owed():
    now = DUE - dt.timedelta(days=3)
    since = DUE - dt.timedelta(days=5)
    assert (
        rules.due_stage(due_at=DUE, now=now, offsets_days=[7, 1], since=since) is None
    )
    assert (
        rules.due_stage(
            due_at=DUE,
            now=DUE - dt.timedelta(hours=2),
            offsets_days=[7, 1],
            since=since,
        )
        == 1
    )


@given(
    offsets=st.lists(st.integers(1, 60), min_size=1, max_size=5),
    minutes=st.integers(-10_000, 100_000),
)
def test_due_stage_is_always_one_of_the_offsets_and_only_before_the_deadline(
    offsets, minutes
):
    now = DUE - dt.timedelta(minutes=minutes)
    stage = rules.due_stage(due_at=DUE, now=now, offsets_days=offsets)
    if stage is not None:
        assert stage in offsets
        assert DUE - dt.timedelta(days=stage) <= now < DUE


def test_offsets_are_normalized_and_bad_ones_refused():
    assert rules.normalize_offsets("1, 7,7") == [7, 1]
    assert rules.normalize_offsets([14, 3]) == [14, 3]
    for bad in ("0", "seven", [400], "-1"):
        with pytest.raises(ValueError, match="whole numbers"):
            rules.normalize_offsets(bad)


def test_backoff_doubles_up_to_the_cap():
    delays = [rules.backoff_seconds(n, base=30, cap=3600) for n in range(1, 10)]
    assert delays[:4] == [30, 60, 120, 240]
    assert max(delays) == 3600
    assert rules.backoff_seconds(10_000, base=30, cap=3600) == 3600


def test_time_left_reads_naturally():
    assert rules.time_left(DUE, DUE - dt.timedelta(days=6, hours=5)) == "6 days"
    assert rules.time_left(DUE, DUE - dt.timedelta(hours=30)) == "1 day and 6 hours"
    assert rules.time_left(DUE, DUE - dt.timedelta(hours=3)) == "3 hours"
    assert rules.time_left(DUE, DUE - dt.timedelta(minutes=5)) == "less than an hour"


def test_a_date_due_on_a_day_lasts_until_midnight_in_the_zone():
    import zoneinfo

    end = rules.end_of_day(dt.date(2030, 3, 1), zoneinfo.ZoneInfo("America/New_York"))
    assert end.astimezone(dt.UTC) == dt.datetime(2030, 3, 2, 5, tzinfo=dt.UTC)
