"""Legal numbers: patterns, periods, chronology, 35 characters."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solde.core.errors import Conflict, ValidationError
from solde.core.numbering import (
    CounterState,
    format_number,
    next_number,
    period_key,
    validate_pattern,
)

DAY = date(2026, 3, 7)


@pytest.mark.parametrize(
    ("pattern", "seq", "number", "period"),
    [
        ("FA-{YYYY}-{SEQ:05}", 42, "FA-2026-00042", "2026"),
        ("F{YY}{MM}-{SEQ:04}", 7, "F2603-0007", "2026-03"),
        ("{SEQ}", 123456, "123456", ""),
        ("AV/{YYYY}/{SEQ:03}", 1000, "AV/2026/1000", "2026"),
    ],
)
def test_patterns(pattern, seq, number, period):
    assert validate_pattern(pattern) == pattern
    assert format_number(pattern, seq, DAY) == number
    assert period_key(pattern, DAY) == period


@pytest.mark.parametrize(
    "pattern", ["FA-{YYYY}", "FA-{DD}-{SEQ}", "{SEQ}{SEQ}", "X" * 40 + "{SEQ}"]
)
def test_bad_patterns_are_refused(pattern):
    with pytest.raises(ValidationError):
        validate_pattern(pattern)


def test_a_number_over_35_characters_is_refused():
    with pytest.raises(ValidationError, match="35"):
        format_number("INVOICE-NUMBER-PREFIX-{YYYY}-{SEQ:09}", 1, DAY)


def test_numbers_are_chronological():
    state = CounterState(last_seq=4, last_date=DAY)
    with pytest.raises(Conflict, match="2026-03-06"):
        next_number("FA-{SEQ}", state, DAY - timedelta(days=1))
    assert next_number("FA-{SEQ}", state, DAY) == ("FA-5", CounterState(5, DAY))


@given(st.lists(st.integers(0, 40), min_size=1, max_size=60))
def test_successive_numbers_have_no_gap(gaps):
    state, day, numbers = CounterState(0, None), DAY, []
    for gap in gaps:
        day += timedelta(days=gap)
        number, state = next_number("N-{SEQ:06}", state, day)
        numbers.append(number)
    assert numbers == [f"N-{seq:06d}" for seq in range(1, len(gaps) + 1)]
