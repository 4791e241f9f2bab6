"""Receivables figures computed by hand: DSO (standard, count-back, best possible), CEI,
turnover, payment timing and the doubtful ratio.

Percentages and ratios: 2 decimals; day counts: 1 decimal; both rounded half up.
Undefined figures (a zero denominator) are None.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solde.core.kpis import (
    PaidInvoice,
    SalesPeriod,
    average_days_late,
    average_days_to_pay,
    best_possible_dso,
    cei,
    count_back_dso,
    doubtful_ratio,
    dso,
    dso_window,
    month_periods,
    on_time_rate,
    receivables_turnover,
    share,
)

D = Decimal
amounts = st.decimals(min_value=0, max_value=10_000_000, places=2)


# --- DSO ----------------------------------------------------------------------------


def test_the_dso_window_is_the_n_days_ending_on_as_of():
    """90 days ending 2025-03-31: January 31 + February 28 + March 31 = 90."""
    assert dso_window(date(2025, 3, 31)) == (date(2025, 1, 1), date(2025, 3, 31))
    assert dso_window(date(2025, 3, 31), 30) == (date(2025, 3, 2), date(2025, 3, 31))
    assert dso_window(date(2025, 3, 31), 1) == (date(2025, 3, 31), date(2025, 3, 31))


@pytest.mark.parametrize(
    ("receivables", "invoiced", "days", "expected"),
    [
        ("45000.00", "135000.00", 90, "30.0"),  # 45000 / 135000 x 90 = 30
        ("10000.00", "35000.00", 90, "25.7"),  # 10000 / 35000 x 90 = 25.714...
        ("1.00", "40.00", 90, "2.3"),  # 1 / 40 x 90 = 2.25, half up
        ("45000.00", "45000.00", 30, "30.0"),  # 45000 / 45000 x 30
        ("0.00", "1000.00", 90, "0.0"),  # nothing owed
    ],
)
def test_standard_dso(receivables, invoiced, days, expected):
    assert dso(D(receivables), D(invoiced), days) == D(expected)


@pytest.mark.parametrize(("receivables", "invoiced"), [("100.00", "0"), ("0", "0"), ("5", "-3")])
def test_dso_is_undefined_when_nothing_was_invoiced(receivables, invoiced):
    assert dso(D(receivables), D(invoiced)) is None
    assert best_possible_dso(D(receivables), D(invoiced)) is None


def test_best_possible_dso_counts_only_the_current_receivables():
    """Receivables 45,000 of which 12,000 not yet due; 135,000 invoiced over 90 days.
    best = 12000 / 135000 x 90 = 8.0 (standard DSO 30.0)."""
    assert best_possible_dso(D("12000.00"), D("135000.00")) == D("8.0")
    assert dso(D("45000.00"), D("135000.00")) == D("30.0")


def test_month_periods_walk_back_calendar_months():
    assert month_periods(date(2025, 3, 31), 3) == (
        (date(2025, 3, 1), date(2025, 3, 31)),
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 1, 1), date(2025, 1, 31)),
    )
    # mid-month: month-to-date first, then whole months, across a year end
    assert month_periods(date(2025, 1, 15), 2) == (
        (date(2025, 1, 1), date(2025, 1, 15)),
        (date(2024, 12, 1), date(2024, 12, 31)),
    )
    assert SalesPeriod(date(2024, 2, 1), date(2024, 2, 29), D(0)).days == 29


def _months(as_of, *sales):
    """Sales periods over the calendar months walking back from as_of, the newest first."""
    ranges = month_periods(as_of, len(sales))
    return [SalesPeriod(start, end, D(s)) for (start, end), s in zip(ranges, sales, strict=True)]


def test_count_back_dso():
    """Receivables 50,000 at 2025-03-31; invoiced March 30,000, February 28,000, January 31,000.
    March: 50,000 > 30,000 → left 20,000, 31 days.
    February: 20,000 <= 28,000 → 20000 / 28000 x 28 = 20 days. DSO = 31 + 20 = 51.0.
    """
    periods = _months(date(2025, 3, 31), "30000.00", "28000.00", "31000.00")
    assert count_back_dso(D("50000.00"), periods) == D("51.0")


def test_count_back_dso_exhausted_exactly_at_a_month_end():
    """30,000 owed, March invoiced 30,000: 30000 / 30000 x 31 = 31.0 (February not touched)."""
    periods = _months(date(2025, 3, 31), "30000.00", "28000.00")
    assert count_back_dso(D("30000.00"), periods) == D("31.0")


def test_count_back_dso_counts_a_month_without_sales_whole():
    """40,000 owed; March 0 → 31 days, left 40,000; February 28,000 → 59 days, left 12,000;
    January 31,000: 12000 / 31000 x 31 = 12 → 71.0."""
    periods = _months(date(2025, 3, 31), "0", "28000.00", "31000.00")
    assert count_back_dso(D("40000.00"), periods) == D("71.0")


def test_count_back_dso_day_by_day():
    """250 owed, 100 invoiced on each of the last three days: 1 + 1 + 50 / 100 = 2.5 days."""
    days = [SalesPeriod(date(2025, 3, d), date(2025, 3, d), D("100")) for d in (31, 30, 29)]
    assert count_back_dso(D("250"), days) == D("2.5")


def test_count_back_dso_edges():
    periods = _months(date(2025, 3, 31), "30000.00", "28000.00")
    assert count_back_dso(D("0"), periods) == D("0.0")  # nothing owed
    assert count_back_dso(D("0"), []) == D("0.0")
    assert count_back_dso(D("58000.01"), periods) is None  # history too short
    assert count_back_dso(D("1"), []) is None


@given(amounts, amounts.filter(lambda s: s > 0), st.integers(1, 366))
def test_count_back_over_one_period_is_the_standard_dso(receivables, sales, days):
    """Over a single period of N days whose sales cover the receivables, both methods agree."""
    receivables = min(receivables, sales)
    first = date(2025, 1, 1)
    period = SalesPeriod(first, first + timedelta(days=days - 1), sales)
    assert period.days == days
    assert count_back_dso(receivables, [period]) == dso(receivables, sales, days)


@given(amounts, amounts, amounts.filter(lambda s: s > 0))
def test_best_possible_dso_never_exceeds_the_dso(receivables, current, invoiced):
    current = min(current, receivables)
    assert best_possible_dso(current, invoiced) <= dso(receivables, invoiced)


# --- collection ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "sales", "closing_total", "closing_current", "expected"),
    [
        # (100000 + 300000 - 120000) / (100000 + 300000 - 80000) = 280000 / 320000 = 87.50 %
        ("100000.00", "300000.00", "120000.00", "80000.00", "87.50"),
        # (10000 + 20000 - 12000) / (10000 + 20000 - 3000) = 18000 / 27000 = 66.666... %
        ("10000.00", "20000.00", "12000.00", "3000.00", "66.67"),
        # everything left at the end is not yet due: all that could be collected was
        ("5000.00", "10000.00", "4000.00", "4000.00", "100.00"),
        # nothing collected: (1000 + 0 - 1000) / (1000 + 0 - 0) = 0 %
        ("1000.00", "0", "1000.00", "0", "0.00"),
    ],
)
def test_collection_effectiveness_index(opening, sales, closing_total, closing_current, expected):
    assert cei(D(opening), D(sales), D(closing_total), D(closing_current)) == D(expected)


def test_cei_is_undefined_when_nothing_was_collectible():
    """Nothing opening, nothing sold: 0 / 0. All sold still current: (0+500-500) / (0+500-500)."""
    assert cei(D(0), D(0), D(0), D(0)) is None
    assert cei(D(0), D("500.00"), D("500.00"), D("500.00")) is None


def test_receivables_turnover():
    """600,000 invoiced; opening 100,000 and closing 140,000: mean 120,000 → 5.00 times.
    Month-end samples 100k, 120k, 140k, 160k: mean 130,000 → 600000 / 130000 = 4.615... → 4.62."""
    assert receivables_turnover(D("600000.00"), [D("100000.00"), D("140000.00")]) == D("5.00")
    samples = [D(s) for s in ("100000.00", "120000.00", "140000.00", "160000.00")]
    assert receivables_turnover(D("600000.00"), samples) == D("4.62")
    assert receivables_turnover(D("0"), [D("100.00")]) == D("0.00")


def test_turnover_is_undefined_without_receivables():
    assert receivables_turnover(D("600000.00"), []) is None
    assert receivables_turnover(D("600000.00"), [D(0), D(0)]) is None


# --- payment timing -----------------------------------------------------------------

RECORDS = [
    # issued, due, paid in full
    PaidInvoice(date(2025, 1, 1), date(2025, 1, 31), date(2025, 1, 25)),  # A: 24 days, early
    PaidInvoice(date(2025, 1, 10), date(2025, 2, 9), date(2025, 2, 9)),  # B: 30, on the due day
    PaidInvoice(date(2025, 1, 15), date(2025, 2, 14), date(2025, 3, 1)),  # C: 45, 15 late
    PaidInvoice(date(2025, 2, 1), date(2025, 3, 3), None),  # D: not paid, never counts
    PaidInvoice(date(2024, 11, 1), date(2024, 12, 1), date(2024, 12, 20)),  # E: 49, 19 late
]
Q1 = {"start": date(2025, 1, 1), "end": date(2025, 3, 31)}


def test_payment_timing_over_a_quarter():
    """Paid in 2025-01-01 .. 2025-03-31: A, B, C (E was paid in December, D is open).
    A: Jan 1 → Jan 25 = 24 days, early (0 late). B: Jan 10 → Feb 9 = 21 + 9 = 30, paid on
    the due day (on time, 0 late). C: Jan 15 → Mar 1 = 16 + 28 + 1 = 45, Feb 14 → Mar 1 = 15 late.
    on time 2 / 3 = 66.67 %; days to pay 99 / 3 = 33.0; days late 15 / 3 = 5.0.
    """
    assert on_time_rate(RECORDS, **Q1) == D("66.67")
    assert average_days_to_pay(RECORDS, **Q1) == D("33.0")
    assert average_days_late(RECORDS, **Q1) == D("5.0")


def test_payment_timing_over_all_history():
    """A, B, C and E (Nov 1 → Dec 20 = 29 + 20 = 49 days, Dec 1 → Dec 20 = 19 late).
    on time 2 / 4 = 50.00 %; to pay (99 + 49) / 4 = 37.0; late (15 + 19) / 4 = 8.5."""
    assert on_time_rate(RECORDS) == D("50.00")
    assert average_days_to_pay(RECORDS) == D("37.0")
    assert average_days_late(RECORDS) == D("8.5")


def test_the_period_includes_both_its_ends_and_tuples_are_accepted():
    """B paid on 2025-02-09, C on 2025-03-01: a period of exactly those two days holds both."""
    records = [(r.issue_date, r.due_date, r.paid_on) for r in RECORDS]
    assert on_time_rate(records, date(2025, 2, 9), date(2025, 3, 1)) == D("50.00")
    assert average_days_to_pay(records, date(2025, 2, 9), date(2025, 3, 1)) == D("37.5")
    assert average_days_late(records, date(2025, 2, 10), date(2025, 3, 1)) == D("15.0")


def test_all_paid_early():
    """Both paid before their due date: 100 % on time, 0.0 days late; (10 + 20) / 2 = 15.0."""
    records = [
        (date(2025, 1, 1), date(2025, 1, 31), date(2025, 1, 11)),
        (date(2025, 1, 1), date(2025, 1, 31), date(2025, 1, 21)),
    ]
    assert on_time_rate(records) == D("100.00")
    assert average_days_late(records) == D("0.0")
    assert average_days_to_pay(records) == D("15.0")


def test_payment_timing_is_undefined_when_nothing_was_paid():
    for figure in (on_time_rate, average_days_to_pay, average_days_late):
        assert figure([]) is None
        assert figure([RECORDS[3]]) is None  # open only
        assert figure(RECORDS, date(2026, 1, 1), date(2026, 12, 31)) is None


@given(
    st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 120), st.integers(0, 400)), max_size=20)
)
def test_payment_timing_bounds(offsets):
    """0 <= on-time rate <= 100; 0 <= days late <= days to pay when due >= issue."""
    records = [
        PaidInvoice(
            date.fromordinal(738000 + issued),
            date.fromordinal(738000 + issued + terms),
            date.fromordinal(738000 + issued + paid),
        )
        for issued, terms, paid in offsets
    ]
    rate, to_pay, late = (
        f(records) for f in (on_time_rate, average_days_to_pay, average_days_late)
    )
    if not records:
        assert rate is to_pay is late is None
        return
    assert D(0) <= rate <= D(100)
    assert D(0) <= late <= to_pay


# --- risk ---------------------------------------------------------------------------


def test_doubtful_ratio():
    """As of 2025-06-30:
    due 2025-07-15  600.00  not due             → safe
    due 2025-04-01  200.00  90 days, not over   → safe
    due 2025-03-31  100.00  91 days             → at risk
    due 2025-06-01   50.00  doubtful            → at risk
    due 2025-01-01   50.00  doubtful and 180    → at risk, counted once
    (100 + 50 + 50) / 1000 = 20.00 %
    """
    items = [
        (date(2025, 7, 15), D("600.00"), False),
        (date(2025, 4, 1), D("200.00"), False),
        (date(2025, 3, 31), D("100.00"), False),
        (date(2025, 6, 1), D("50.00"), True),
        (date(2025, 1, 1), D("50.00"), True),
    ]
    assert doubtful_ratio(items, date(2025, 6, 30)) == D("20.00")
    # with 60 days instead: the 90-days item is at risk too, (200 + 200) / 1000 = 40 %
    assert doubtful_ratio(items, date(2025, 6, 30), after_days=60) == D("40.00")


def test_doubtful_ratio_is_undefined_without_receivables():
    assert doubtful_ratio([], date(2025, 6, 30)) is None
    assert doubtful_ratio([(date(2025, 1, 1), D("0"), True)], date(2025, 6, 30)) is None


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [("1", "3", "33.33"), ("2", "3", "66.67"), ("1", "800", "0.13"), ("3", "3", "100.00")],
)
def test_share_rounds_half_up_to_two_decimals(part, whole, expected):
    """1 / 800 x 100 = 0.125 → 0.13 (half up, not half even)."""
    assert share(D(part), D(whole)) == D(expected)
