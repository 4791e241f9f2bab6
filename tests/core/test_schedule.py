"""When a recurring invoice falls due: occurrences on the asked day of the month (or the
month's last day), every 1, 3 or 12 months from the first on or after the start."""

from datetime import date, timedelta
from itertools import islice

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solde.core.errors import ValidationError
from solde.core.schedule import (
    FREQUENCIES,
    Schedule,
    first_on_or_after,
    next_after,
    occurrences,
    on_day,
    period_months,
)


def first(schedule: Schedule, count: int) -> list[date]:
    return list(islice(occurrences(schedule), count))


@pytest.mark.parametrize(
    ("frequency", "day", "start", "expected"),
    [
        # monthly on the 1st, starting that day
        ("monthly", 1, date(2026, 1, 1), ["2026-01-01", "2026-02-01", "2026-03-01"]),
        # starting after the day: the first is next month's
        ("monthly", 5, date(2026, 1, 10), ["2026-02-05", "2026-03-05", "2026-04-05"]),
        # the 31st: the last day of shorter months, back to the 31st after them
        ("monthly", 31, date(2026, 1, 1), ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]),
        # the 30th in a leap year's February
        ("monthly", 30, date(2028, 1, 30), ["2028-01-30", "2028-02-29", "2028-03-30"]),
        # the 29th in a common year's February
        ("monthly", 29, date(2027, 2, 1), ["2027-02-28", "2027-03-29"]),
        # quarterly, across a year end
        ("quarterly", 15, date(2026, 11, 15), ["2026-11-15", "2027-02-15", "2027-05-15"]),
        ("quarterly", 31, date(2026, 8, 31), ["2026-08-31", "2026-11-30", "2027-02-28"]),
        # yearly on 29 February: the 28th in common years, the 29th in leap years
        ("yearly", 29, date(2028, 2, 29), ["2028-02-29", "2029-02-28", "2030-02-28"]),
        # a start date on the month's last day counts for day 31
        ("monthly", 31, date(2026, 2, 28), ["2026-02-28", "2026-03-31"]),
    ],
)
def test_occurrence_dates(frequency, day, start, expected):
    schedule = Schedule(frequency, day, start)
    assert first(schedule, len(expected)) == [date.fromisoformat(d) for d in expected]


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (date(2026, 3, 1), 3),  # the end date itself is included
        (date(2026, 2, 28), 2),
        (date(2026, 1, 1), 1),
    ],
)
def test_the_end_date_is_the_last_possible_occurrence(end, expected):
    schedule = Schedule("monthly", 1, date(2026, 1, 1), end)
    assert len(list(occurrences(schedule))) == expected


def test_until_stops_an_open_ended_schedule():
    schedule = Schedule("monthly", 10, date(2026, 1, 1))
    assert list(occurrences(schedule, until=date(2026, 3, 10)))[-1] == date(2026, 3, 10)
    assert len(list(occurrences(schedule, until=date(2026, 3, 9)))) == 2


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (date(2025, 6, 1), date(2026, 1, 31)),  # before the start: the first
        (date(2026, 1, 30), date(2026, 1, 31)),
        (date(2026, 1, 31), date(2026, 2, 28)),  # strictly after
        (date(2026, 2, 28), date(2026, 3, 31)),
        (date(2030, 7, 31), date(2030, 8, 31)),  # years on
        (date(2031, 1, 1), None),  # past the end
    ],
)
def test_next_after(after, expected):
    schedule = Schedule("monthly", 31, date(2026, 1, 1), date(2030, 12, 31))
    assert next_after(schedule, after) == expected


def test_first_on_or_after_includes_the_day_itself():
    schedule = Schedule("quarterly", 1, date(2026, 1, 1))
    assert first_on_or_after(schedule, date(2026, 4, 1)) == date(2026, 4, 1)
    assert first_on_or_after(schedule, date(2026, 4, 2)) == date(2026, 7, 1)


@pytest.mark.parametrize(
    ("frequency", "occurrence", "expected"),
    [
        ("monthly", date(2026, 12, 1), (date(2026, 12, 1), date(2026, 12, 1))),
        ("quarterly", date(2026, 12, 15), (date(2026, 12, 1), date(2027, 2, 1))),
        ("yearly", date(2026, 3, 31), (date(2026, 3, 1), date(2027, 2, 1))),
    ],
)
def test_the_months_an_occurrence_bills(frequency, occurrence, expected):
    schedule = Schedule(frequency, occurrence.day, occurrence)
    assert period_months(schedule, occurrence) == expected


@pytest.mark.parametrize(
    ("frequency", "day", "end", "field"),
    [
        ("weekly", 1, None, "frequency"),
        ("monthly", 0, None, "day_of_month"),
        ("monthly", 32, None, "day_of_month"),
        ("monthly", 1, date(2025, 12, 31), "end_date"),
    ],
)
def test_a_wrong_schedule_names_its_field(frequency, day, end, field):
    with pytest.raises(ValidationError) as error:
        Schedule(frequency, day, date(2026, 1, 1), end)
    assert error.value.field == field


schedules = st.builds(
    Schedule,
    frequency=st.sampled_from(FREQUENCIES),
    day=st.integers(1, 31),
    start=st.dates(date(1990, 1, 1), date(2090, 12, 31)),
)


@given(schedules)
def test_dates_strictly_increase_each_on_the_day_or_the_months_last(schedule):
    dates = first(schedule, 30)
    assert dates[0] >= schedule.start
    pairs = list(zip(dates, dates[1:], strict=False))
    assert all(a < b for a, b in pairs)
    for day in dates:
        assert day == on_day(day.year, day.month, schedule.day)
    steps = {(b.year - a.year) * 12 + b.month - a.month for a, b in pairs}
    assert steps == {schedule.step}


@given(schedules, st.dates(date(1980, 1, 1), date(2100, 1, 1)))
def test_next_after_is_the_first_occurrence_after_the_day(schedule, day):
    found = next_after(schedule, day)
    assert found > day
    earlier = [d for d in occurrences(schedule, until=found) if d > day]
    assert earlier == [found]


@given(schedules, st.integers(0, 400))
def test_first_on_or_after_an_occurrence_is_itself(schedule, index):
    day = schedule.nth(index)
    assert first_on_or_after(schedule, day) == day
    assert next_after(schedule, day - timedelta(days=1)) == day
