"""The pure rules of the mentorship year, without a database."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cohorts.year import rules

START = dt.date(2020, 2, 1)
END = dt.date(2020, 11, 30)


def test_a_plan_has_one_or_two_goals():
    """None and three are refused; one and two pass; a third cannot be added."""
    assert rules.goal_count_error(0) == rules.ERR_NO_GOALS
    assert rules.goal_count_error(1) is None
    assert rules.goal_count_error(2) is None
    assert rules.goal_count_error(3) == rules.ERR_TOO_MANY_GOALS
    assert rules.goal_count_error(1, adding=True) is None
    assert rules.goal_count_error(2, adding=True) == rules.ERR_TOO_MANY_GOALS


def test_activity_dates_must_fall_inside_the_contract_both_ends_included():
    assert rules.activity_date_error(START, START, END) is None
    assert rules.activity_date_error(END, START, END) is None
    message = rules.activity_date_error(END + dt.timedelta(days=1), START, END)
    assert message == rules.ERR_ACTIVITY_OUTSIDE_CONTRACT.format(
        start="Feb 1, 2020", end="Nov 30, 2020"
    )
    assert rules.activity_date_error(START - dt.timedelta(days=1), START, END)


def test_submission_needs_goals_each_with_an_activity():
    assert rules.submission_errors([]) == [rules.ERR_NO_GOALS]
    goals = [
        {"title": "A", "activities": [{"id": 1}]},
        {"title": "B", "activities": []},
    ]
    assert rules.submission_errors(goals) == [
        rules.ERR_GOAL_WITHOUT_ACTIVITY.format(goal="B")
    ]
    three = [{"title": str(i), "activities": [{"id": i}]} for i in range(3)]
    assert rules.submission_errors(three) == [rules.ERR_TOO_MANY_GOALS]


def test_bimonthly_series_from_the_kickoff_month():
    """Every two months on the same day of the month, moved off weekends."""
    days = rules.cadence_dates(
        first=dt.date(2020, 2, 11), cadence="2m", start=START, end=END
    )
    assert days == [
        dt.date(2020, 2, 11),
        dt.date(2020, 4, 13),  # the 11th is a Saturday
        dt.date(2020, 6, 11),
        dt.date(2020, 8, 11),
        dt.date(2020, 10, 12),  # the 11th is a Sunday
    ]


def test_series_skips_days_that_already_have_an_event():
    days = rules.cadence_dates(
        first=dt.date(2020, 3, 3),
        cadence="3m",
        start=START,
        end=END,
        taken={dt.date(2020, 6, 3)},
    )
    assert days == [dt.date(2020, 3, 3), dt.date(2020, 6, 4), dt.date(2020, 9, 3)]


def test_series_starting_before_the_contract_starts_at_the_contract():
    days = rules.cadence_dates(
        first=dt.date(2019, 12, 1), cadence="12w", start=START, end=END
    )
    assert days[0] == dt.date(2020, 2, 3)  # Feb 1 2020 is a Saturday


@given(
    first=st.dates(min_value=dt.date(2019, 6, 1), max_value=dt.date(2021, 6, 1)),
    cadence=st.sampled_from([c for c, _ in rules.Cadence.CHOICES]),
    length=st.integers(min_value=0, max_value=400),
    taken=st.sets(
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2021, 12, 31)),
        max_size=30,
    ),
)
def test_cadence_dates_stay_inside_the_contract_and_never_share_a_day(
    first, cadence, length, taken
):
    """Whatever the inputs: inside the contract, on weekdays, no day twice, none
    on a day already taken, in order."""
    start = dt.date(2020, 2, 1)
    end = start + dt.timedelta(days=length)
    days = rules.cadence_dates(
        first=first, cadence=cadence, start=start, end=end, taken=taken
    )
    assert all(start <= d <= end for d in days)
    assert len(set(days)) == len(days)
    assert not set(days) & taken
    assert all(d.weekday() < 5 for d in days)
    assert days == sorted(days)


def test_periods_run_from_one_webinar_to_the_day_before_the_next():
    webinars = [dt.date(2020, 2, 11), dt.date(2020, 4, 13), dt.date(2020, 4, 13)]
    assert rules.periods_between(webinars, END) == [
        (dt.date(2020, 2, 11), dt.date(2020, 4, 12)),
        (dt.date(2020, 4, 13), END),
    ]


def test_organization_status_from_its_people():
    assert rules.organization_status([]) is None
    assert rules.organization_status(["absent", "present"]) == "present"
    assert rules.organization_status(["absent", "excused"]) == "excused"
    assert rules.organization_status(["absent", "absent"]) == "absent"


def test_attendance_rate_ignores_excused_and_unrecorded():
    assert rules.attendance_rate([None, "excused"]) is None
    assert rules.attendance_rate(["present", "absent", "excused", None]) == 0.5


TODAY = dt.date(2020, 6, 15)


def quiet(statuses, last_logged=dt.date(2020, 6, 10), **kw):
    return rules.quiet_flag(
        statuses_newest_first=statuses,
        last_logged=last_logged,
        since=START,
        today=TODAY,
        **kw,
    )


def test_missing_the_last_two_events_is_quiet():
    verdict = quiet(["absent", "absent", "present"])
    assert verdict.quiet
    assert verdict.reasons == ["Missed the last 2 events"]


def test_one_miss_or_an_excused_absence_is_not_quiet():
    assert not quiet(["absent", "present"]).quiet
    assert not quiet(["absent", "excused", "absent"]).quiet
    assert not quiet(["absent"]).quiet


def test_unrecorded_events_are_skipped_when_counting_misses():
    assert quiet(["absent", None, "absent"]).quiet


def test_nothing_logged_for_four_weeks_is_quiet():
    assert not quiet([], last_logged=TODAY - dt.timedelta(days=27)).quiet
    verdict = quiet([], last_logged=TODAY - dt.timedelta(days=28))
    assert verdict.reasons == ["Nothing logged for 28 days"]


def test_never_logged_counts_from_the_contract_start():
    verdict = quiet([], last_logged=None)
    assert verdict.quiet
    assert "since the contract began" in verdict.reasons[0]
    early = rules.quiet_flag(
        statuses_newest_first=[],
        last_logged=None,
        since=START,
        today=START + dt.timedelta(days=10),
    )
    assert not early.quiet


def test_thresholds_are_configurable():
    assert not quiet(["absent", "absent"], missed_events=3).quiet
    assert quiet(["absent", "absent", "absent"], missed_events=3).quiet
    assert quiet([], last_logged=TODAY - dt.timedelta(days=8), quiet_days=7).quiet
    assert not quiet(["absent", "absent"], missed_events=0).quiet


def test_measure_progress_from_baseline_to_target():
    assert rules.measure_progress(Decimal(0), Decimal(10), None) is None
    assert rules.measure_progress(Decimal(0), Decimal(10), Decimal(5)) == 0.5
    assert rules.measure_progress(Decimal(2), Decimal(2), Decimal(5)) is None
    assert rules.measure_progress(Decimal(0), Decimal(10), Decimal(20)) == 1.0
    # A measure that should fall: 40 missed referrals down to 20.
    assert rules.measure_progress(Decimal(40), Decimal(20), Decimal(30)) == 0.5


def snapshot(*goals):
    return {"goals": list(goals)}


def goal(gid, title, *activities, description=""):
    return {
        "id": gid,
        "title": title,
        "description": description,
        "activities": list(activities),
    }


def act(aid, title, day="2020-03-01", status="planned"):
    return {"id": aid, "title": title, "target_date": day, "status": status}


def test_a_measures_figures_need_decimals_only_when_one_has_a_fraction():
    whole = [Decimal("0.00"), Decimal("6.00"), Decimal("4"), None]
    assert rules.measure_places(whole) == 0
    assert rules.format_quantity(Decimal("6.00"), 0) == "6"
    assert rules.measure_places([Decimal("0"), Decimal("1200"), Decimal("12.50")]) == 1
    assert rules.measure_places([Decimal("0.10"), Decimal("0.75")]) == 2
    assert rules.measure_places([Decimal("1E+3")]) == 0
    assert rules.format_quantity(Decimal("1200"), 1) == "1,200.0"
    assert rules.format_quantity(Decimal("-2.5"), 2) == "-2.50"
    assert rules.format_quantity(None, 0) == ""


def test_first_version_is_all_added():
    changes = rules.workplan_diff(None, snapshot(goal(1, "G", act(1, "A"))))
    assert [c.kind for c in changes] == ["added"]
    assert [a.kind for a in changes[0].activities] == ["added"]


def test_diff_finds_added_removed_and_changed_goals_and_activities():
    old = snapshot(
        goal(1, "Engage partners", act(1, "Map partners"), act(2, "Hold forum")),
        goal(2, "Old goal", act(3, "Old step")),
    )
    new = snapshot(
        goal(
            1,
            "Engage partners and residents",
            act(1, "Map partners", status="done"),
            act(4, "Survey residents"),
        ),
        goal(5, "Share data", act(6, "Sign agreement")),
    )
    changes = {c.title: c for c in rules.workplan_diff(old, new)}
    renamed = changes["Engage partners and residents"]
    assert renamed.kind == "changed"
    assert renamed.fields == [
        ("title", "Engage partners", "Engage partners and residents")
    ]
    by_title = {a.title: a for a in renamed.activities}
    assert by_title["Map partners"].kind == "changed"
    assert by_title["Map partners"].fields == [("status", "planned", "done")]
    assert by_title["Survey residents"].kind == "added"
    assert by_title["Hold forum"].kind == "removed"
    assert changes["Share data"].kind == "added"
    assert changes["Old goal"].kind == "removed"
    assert [a.kind for a in changes["Old goal"].activities] == ["removed"]


def test_identical_versions_show_no_change():
    same = snapshot(goal(1, "G", act(1, "A")))
    changes = rules.workplan_diff(same, same)
    assert not any(c.changed for c in changes)
