"""Legal numbers: patterns, periods, chronology, 35 characters, no gaps."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solde.core.errors import Conflict, ValidationError
from solde.core.numbering import (
    MAX_NUMBER_LENGTH,
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
        ("AV-{YYYY}-{SEQ:05}", 123456, "AV-2026-123456", "2026"),  # outgrows its padding
        ("F{YY}{MM}-{SEQ:04}", 7, "F2603-0007", "2026-03"),
        ("{YYYY}/{MM}/{SEQ:03}", 12, "2026/03/012", "2026-03"),
        ("{SEQ}", 123456, "123456", ""),
        ("INV{SEQ:08}", 1, "INV00000001", ""),
        ("Facture n° {SEQ}", 9, "Facture n° 9", ""),
        ("{YY}-{SEQ:01}", 3, "26-3", "2026"),
    ],
)
def test_patterns(pattern, seq, number, period):
    assert validate_pattern(pattern) == pattern
    assert format_number(pattern, seq, DAY) == number
    assert period_key(pattern, DAY) == period


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("FA-{YYYY}", "no {SEQ}"),
        ("FA-{DD}-{SEQ}", "unknown token"),
        ("FA-{yyyy}-{SEQ}", "tokens are upper case"),
        ("FA-{SEQ:5}", "padding is written 0N"),
        ("FA-{SEQ:00}", "no zero-width padding"),
        ("{SEQ}-{SEQ}", "two sequences"),
        ("FA-{YYYY-{SEQ}", "stray brace"),
        ("FA-{MM}-{SEQ}", "a month without a year repeats every year"),
        ("", "empty"),
        ("X" * 28 + "{SEQ}", "no room for eight digits within 35 characters"),
    ],
)
def test_bad_patterns_are_refused(pattern, why):
    with pytest.raises(ValidationError) as caught:
        validate_pattern(pattern)
    assert caught.value.field == "pattern", why


def test_a_pattern_has_room_for_eight_digit_sequences():
    assert validate_pattern("X" * 27 + "{SEQ}")  # 27 + 8 = 35
    assert validate_pattern("FACT-CLIENT-{YYYY}-{MM}-{SEQ:06}")  # 20 + 8 = 28


def test_a_number_over_35_characters_is_refused_when_formatted():
    pattern = "INVOICE-NUMBER-PREFIX-{YYYY}-{SEQ:09}"  # 27 + 9 = 36
    with pytest.raises(ValidationError, match="35") as caught:
        format_number(pattern, 1, DAY)
    assert caught.value.field == "pattern"
    # a long prefix formats while numbers fit, and is refused the day they do not
    assert len(format_number("X" * 30 + "{SEQ}", 99999, DAY)) == MAX_NUMBER_LENGTH
    with pytest.raises(ValidationError):
        format_number("X" * 30 + "{SEQ}", 100000, DAY)


def test_format_refuses_a_bad_pattern_or_sequence():
    with pytest.raises(ValidationError):
        format_number("FA-{DD}-{SEQ}", 1, DAY)
    with pytest.raises(ValidationError):
        format_number("FA-{SEQ}", 0, DAY)


def test_numbers_follow_the_order_of_dates():
    state = CounterState(last_seq=4, last_date=DAY)
    with pytest.raises(Conflict) as caught:
        next_number("FA-{SEQ}", state, DAY - timedelta(days=1))
    assert "2026-03-06" in caught.value.message and "2026-03-07" in caught.value.message
    assert next_number("FA-{SEQ}", state, DAY) == ("FA-5", CounterState(5, DAY))


def test_the_first_number():
    assert next_number("FA-{YYYY}-{SEQ:05}", CounterState(0, None), DAY) == (
        "FA-2026-00001",
        CounterState(1, DAY),
    )


@pytest.mark.parametrize(
    ("pattern", "last_date", "issue_date", "number"),
    [
        ("FA-{YYYY}-{SEQ:03}", date(2026, 12, 31), date(2027, 1, 1), "FA-2027-001"),
        ("FA-{YYYY}-{SEQ:03}", date(2026, 1, 31), date(2026, 2, 1), "FA-2026-009"),
        ("FA-{YY}{MM}-{SEQ:03}", date(2026, 1, 31), date(2026, 2, 1), "FA-2602-001"),
        ("FA-{SEQ:03}", date(2026, 12, 31), date(2027, 1, 1), "FA-009"),
    ],
)
def test_the_sequence_restarts_with_the_period_of_the_pattern(
    pattern, last_date, issue_date, number
):
    assert next_number(pattern, CounterState(8, last_date), issue_date)[0] == number


PATTERNS = ["N-{SEQ:06}", "FA-{YYYY}-{SEQ:05}", "F{YY}{MM}-{SEQ}"]


@given(
    st.sampled_from(PATTERNS),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    st.lists(st.integers(0, 40), min_size=1, max_size=80),
)
def test_successive_numbers_have_no_gap_and_never_repeat(pattern, start, gaps):
    state, day, taken = CounterState(0, None), start, []
    for gap in gaps:
        day += timedelta(days=gap)
        number, state = next_number(pattern, state, day)
        taken.append((period_key(pattern, day), state.last_seq, number))
    assert len({number for _, _, number in taken}) == len(taken)
    by_period: dict[str, list[int]] = {}
    for period, seq, _ in taken:
        by_period.setdefault(period, []).append(seq)
    for seqs in by_period.values():
        assert seqs == list(range(1, len(seqs) + 1))  # 1..n, strictly increasing
    if pattern == "N-{SEQ:06}":
        assert [number for _, _, number in taken] == [
            f"N-{seq:06d}" for seq in range(1, len(gaps) + 1)
        ]
