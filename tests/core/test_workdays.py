"""Working days: weekends and French public holidays, metropolitan and Alsace-Moselle."""

from datetime import date

import pytest

from solde.core.errors import ValidationError
from solde.core.workdays import Calendar, french_calendar


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2025, 4, 17), True),  # Thursday
        (date(2025, 4, 19), False),  # Saturday
        (date(2025, 4, 20), False),  # Sunday
        (date(2025, 4, 21), False),  # a holiday in the calendar
    ],
)
def test_a_calendar_knows_weekends_and_holidays(day, working):
    assert Calendar(holidays=frozenset({date(2025, 4, 21)})).is_working_day(day) is working


def test_the_weekend_can_be_other_days():
    friday_saturday = Calendar(weekend=frozenset({4, 5}))
    assert not friday_saturday.is_working_day(date(2025, 4, 18))
    assert friday_saturday.is_working_day(date(2025, 4, 20))
    assert Calendar(weekend=frozenset()).is_working_day(date(2025, 4, 20))


METROPOLITAN_2025 = [
    date(2025, 1, 1),
    date(2025, 4, 21),  # Easter Monday
    date(2025, 5, 1),
    date(2025, 5, 8),
    date(2025, 5, 29),  # Ascension
    date(2025, 6, 9),  # Whit Monday
    date(2025, 7, 14),
    date(2025, 8, 15),
    date(2025, 11, 1),
    date(2025, 11, 11),
    date(2025, 12, 25),
]
GOOD_FRIDAY_2025, SAINT_STEPHEN_2025 = date(2025, 4, 18), date(2025, 12, 26)


def test_metropolitan_france_has_eleven_public_holidays():
    assert sorted(french_calendar([2025]).holidays) == METROPOLITAN_2025


@pytest.mark.parametrize(
    "subdivision, extra",
    [
        ("", []),
        ("57", [GOOD_FRIDAY_2025, SAINT_STEPHEN_2025]),  # Moselle
        ("67", [GOOD_FRIDAY_2025, SAINT_STEPHEN_2025]),  # Bas-Rhin
        ("68", [GOOD_FRIDAY_2025, SAINT_STEPHEN_2025]),  # Haut-Rhin
    ],
)
def test_alsace_moselle_adds_good_friday_and_saint_stephen(subdivision, extra):
    calendar = french_calendar([2025], subdivision)
    assert sorted(calendar.holidays) == sorted(METROPOLITAN_2025 + extra)
    assert calendar.is_working_day(GOOD_FRIDAY_2025) is not extra


def test_several_years_at_once():
    calendar = french_calendar(range(2025, 2028))
    assert {date(2025, 7, 14), date(2026, 7, 14), date(2027, 7, 14)} <= calendar.holidays
    assert date(2026, 4, 6) in calendar.holidays  # Easter Monday 2026
    assert not calendar.is_working_day(date(2027, 5, 6))  # Ascension 2027
    assert calendar.is_working_day(date(2026, 4, 7))


def test_no_years_no_holidays():
    assert french_calendar([]) == Calendar()


def test_an_unknown_subdivision_is_refused():
    with pytest.raises(ValidationError) as caught:
        french_calendar([2025], "99")
    assert caught.value.field == "subdivision"
    assert "'99'" in caught.value.message
