"""Late-payment interest and the 40 EUR indemnity (L441-10), computed by hand.

Interest = base x rate / 100 x days / 365, per period with one base and one rate,
summed unrounded and rounded to the cent once. Legal rate = ECB MRO rate in force on
1 January (January-June) or 1 July (July-December) + 10 points:
    2024 H2: 4.25 (since 2024-06-12) -> 14.25     2025 H1: 3.15 (since 2024-12-18) -> 13.15
    2025 H2: 2.15 (since 2025-06-11) -> 12.15
"""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solde.core.errors import InputError, ValidationError
from solde.core.latefees import (
    ECB_MRO_RATES,
    InterestPeriod,
    LateFee,
    RatePoint,
    late_fee,
    legal_rate,
    load_rates,
)

D = Decimal


def test_paid_late_across_two_half_years():
    """1,000.00 EUR due 2025-03-31, paid 2025-08-14 (from then on nothing is left).

    H1: 2025-04-01 .. 2025-06-30 = 30 + 31 + 30 = 91 days at 13.15 %
        1000.00 x 0.1315 x 91 / 365 = 11966.50 / 365 = 32.784931...
    H2: 2025-07-01 .. 2025-08-13 = 31 + 13 = 44 days at 12.15 %
        1000.00 x 0.1215 x 44 / 365 = 5346.00 / 365 = 14.646575...
    interest 47.431506... -> 47.43; indemnity 40.00; total 87.43; 135 days late.
    """
    fee = late_fee(
        due_date=date(2025, 3, 31),
        today=date(2025, 9, 1),
        outstanding=[(date(2025, 2, 28), D("1000.00")), (date(2025, 8, 14), D("0"))],
    )
    assert fee.interest == D("47.43")
    assert fee.indemnity == D("40.00")
    assert fee.total == D("87.43")
    assert fee.days_late == 135
    assert [(p.start, p.end, p.days, p.rate, p.base) for p in fee.periods] == [
        (date(2025, 4, 1), date(2025, 6, 30), 91, D("13.15"), D("1000.00")),
        (date(2025, 7, 1), date(2025, 8, 13), 44, D("12.15"), D("1000.00")),
    ]
    assert fee.periods[0].amount == D("11966.50") / 365  # unrounded
    assert fee.periods[1].amount == D("5346.00") / 365


def test_a_partial_payment_during_lateness_lowers_the_base():
    """2,400.00 EUR due 2025-07-10; 1,000.00 paid on 2025-08-01; still open on 2025-09-30.

    2025-07-11 .. 2025-07-31 = 21 days on 2,400.00 at 12.15 %
        2400.00 x 0.1215 x 21 / 365 = 6123.60 / 365 = 16.776986...
    2025-08-01 .. 2025-09-30 = 31 + 30 = 61 days on 1,400.00 at 12.15 %
        1400.00 x 0.1215 x 61 / 365 = 10376.10 / 365 = 28.427671...
    interest 45.204657... -> 45.20 (rounding each period first would give 16.78 + 28.43 = 45.21).
    """
    fee = late_fee(
        due_date=date(2025, 7, 10),
        today=date(2025, 9, 30),
        outstanding=[(date(2025, 6, 10), D("2400.00")), (date(2025, 8, 1), D("1400.00"))],
    )
    assert fee.interest == D("45.20")
    assert fee.days_late == 82
    assert [(p.days, p.base) for p in fee.periods] == [(21, D("2400.00")), (61, D("1400.00"))]


def test_the_year_end_splits_the_period_too():
    """1,000.00 EUR due 2024-12-15, open on 2025-01-10.

    2024-12-16 .. 12-31 = 16 days at 14.25 %: 1000 x 0.1425 x 16 / 365 = 2280 / 365 = 6.246575...
    2025-01-01 .. 01-10 = 10 days at 13.15 %: 1000 x 0.1315 x 10 / 365 = 1315 / 365 = 3.602739...
    interest 9.849315... -> 9.85
    """
    fee = late_fee(
        due_date=date(2024, 12, 15),
        today=date(2025, 1, 10),
        outstanding=[(date(2024, 11, 15), D("1000.00"))],
    )
    assert fee.interest == D("9.85")
    assert [(p.days, p.rate) for p in fee.periods] == [(16, D("14.25")), (10, D("13.15"))]


def test_a_contractual_rate_replaces_the_legal_one_and_ignores_half_years():
    """500.00 EUR due 2025-06-15 at a contractual 15 %, open on 2025-07-15.

    2025-06-16 .. 2025-07-15 = 15 + 15 = 30 days, one period:
        500.00 x 0.15 x 30 / 365 = 2250 / 365 = 6.164383... -> 6.16
    (The legal rate would give 500 x 0.1315 x 15 / 365 + 500 x 0.1215 x 15 / 365
     = 2.702054... + 2.496575... = 5.198630... -> 5.20.)
    """
    due, today = date(2025, 6, 15), date(2025, 7, 15)
    outstanding = [(date(2025, 5, 15), D("500.00"))]
    fee = late_fee(due_date=due, today=today, outstanding=outstanding, contractual_rate=D("15"))
    assert fee.interest == D("6.16")
    assert fee.periods == (
        InterestPeriod(due.replace(day=16), today, 30, D("15"), D("500.00"), D("2250") / 365),
    )
    legal = late_fee(due_date=due, today=today, outstanding=outstanding)
    assert legal.interest == D("5.20")
    assert len(legal.periods) == 2


@pytest.mark.parametrize("today", [date(2025, 3, 30), date(2025, 3, 31)])
def test_not_late_means_nothing(today):
    fee = late_fee(
        due_date=date(2025, 3, 31), today=today, outstanding=[(date(2025, 3, 1), D("1000"))]
    )
    assert fee == LateFee(D("0"), D("0"), (), 0)
    assert fee.total == 0


def test_the_first_day_late_is_the_day_after_the_due_date():
    """1,000.00 EUR at 12.15 % for 1 day: 121.50 / 365 = 0.332876... -> 0.33, and the 40 EUR."""
    fee = late_fee(
        due_date=date(2025, 9, 30),
        today=date(2025, 10, 1),
        outstanding=[(date(2025, 9, 1), D("1000"))],
    )
    assert (fee.interest, fee.indemnity, fee.days_late) == (D("0.33"), D("40.00"), 1)


@pytest.mark.parametrize(
    "outstanding",
    [
        [(date(2025, 3, 1), D("1000")), (date(2025, 3, 31), D("0"))],  # paid on the due date
        [(date(2025, 3, 1), D("1000")), (date(2025, 4, 1), D("0"))],  # settled from day one
        [(date(2025, 3, 1), D("1000")), (date(2025, 3, 20), D("-50"))],  # overpaid
        [],
    ],
)
def test_paid_in_time_owes_nothing_even_long_after(outstanding):
    fee = late_fee(due_date=date(2025, 3, 31), today=date(2025, 12, 1), outstanding=outstanding)
    assert (fee.interest, fee.indemnity, fee.days_late, fee.periods) == (D("0"), D("0"), 0, ())


def test_a_private_customer_owes_interest_but_no_indemnity():
    fee = late_fee(
        due_date=date(2025, 3, 31),
        today=date(2025, 9, 1),
        outstanding=[(date(2025, 2, 28), D("1000.00")), (date(2025, 8, 14), D("0"))],
        business=False,
    )
    assert (fee.interest, fee.indemnity, fee.total) == (D("47.43"), D("0.00"), D("47.43"))


def test_the_indemnity_is_a_parameter():
    fee = late_fee(
        due_date=date(2025, 9, 30),
        today=date(2025, 10, 1),
        outstanding=[(date(2025, 9, 1), D("10"))],
        indemnity=D("0"),
    )
    assert fee.indemnity == 0


def test_interest_is_rounded_half_up_once():
    """18.25 x 10 % x 1 / 365 = 182.5 / 36500 = 0.005 exactly -> 0.01 (half up, not half even)."""
    fee = late_fee(
        due_date=date(2025, 9, 30),
        today=date(2025, 10, 1),
        outstanding=[(date(2025, 9, 1), D("18.25"))],
        contractual_rate=D("10"),
    )
    assert fee.periods[0].amount == D("0.005")
    assert fee.interest == D("0.01")


def test_several_balances_on_one_day_the_last_one_counts():
    fee = late_fee(
        due_date=date(2025, 9, 30),
        today=date(2025, 10, 1),
        outstanding=[(date(2025, 9, 1), D("100")), (date(2025, 9, 1), D("365"))],
        contractual_rate=D("10"),
    )
    assert fee.interest == D("0.10")  # 365 x 0.10 / 365


def test_other_rate_tables_can_be_given():
    rates = (RatePoint(date(2025, 1, 1), D("1.00")), RatePoint(date(2025, 7, 1), D("5.00")))
    fee = late_fee(
        due_date=date(2025, 6, 29),
        today=date(2025, 7, 1),
        outstanding=[(date(2025, 6, 1), D("365"))],
        rates=rates,
    )
    # 1 day at 11 % then 1 day at 15 %: 365 x 0.11 / 365 + 365 x 0.15 / 365 = 0.26
    assert fee.interest == D("0.26")


def test_a_negative_contractual_rate_is_refused():
    with pytest.raises(ValidationError):
        late_fee(
            due_date=date(2025, 1, 1),
            today=date(2025, 2, 1),
            outstanding=[(date(2025, 1, 1), D("1"))],
            contractual_rate=D("-1"),
        )


@pytest.mark.parametrize(
    "day, rate",
    [
        (date(2016, 7, 1), D("10.00")),  # 0.00 since 2016-03-16
        (date(2022, 7, 1), D("10.00")),  # 0.50 only took effect on 2022-07-27
        (date(2022, 12, 31), D("10.00")),
        (date(2023, 1, 1), D("12.50")),  # 2.50 since 2022-12-21
        (date(2023, 6, 30), D("12.50")),
        (date(2023, 7, 1), D("14.00")),  # 4.00 since 2023-06-21
        (date(2024, 3, 15), D("14.50")),  # 4.50 since 2023-09-20
        (date(2024, 9, 30), D("14.25")),  # 4.25 since 2024-06-12
        (date(2025, 1, 1), D("13.15")),  # 3.15 since 2024-12-18, whatever came after
        (date(2025, 6, 30), D("13.15")),
        (date(2025, 7, 1), D("12.15")),  # 2.15 since 2025-06-11
        (date(2026, 11, 20), D("12.15")),  # the last known rate stays in force
    ],
)
def test_legal_rate_is_the_half_year_ecb_rate_plus_ten_points(day, rate):
    assert legal_rate(day, ECB_MRO_RATES) == rate


def test_a_rate_that_starts_on_1_january_applies_to_that_half_year():
    rates = [RatePoint(date(2025, 1, 1), D("1")), RatePoint(date(2024, 1, 1), D("2"))]
    assert legal_rate(date(2025, 3, 1), rates) == D("11")
    assert legal_rate(date(2024, 12, 31), rates) == D("12")


def test_no_rate_known_for_the_half_year_is_an_error():
    with pytest.raises(ValidationError, match="2016-01-01"):
        legal_rate(date(2016, 5, 1), ECB_MRO_RATES)


def test_the_shipped_table():
    assert load_rates() == ECB_MRO_RATES
    assert len(ECB_MRO_RATES) == 19
    assert ECB_MRO_RATES[0] == RatePoint(date(2016, 3, 16), D("0.00"))
    assert ECB_MRO_RATES[-1] == RatePoint(date(2025, 6, 11), D("2.15"))
    starts = [point.start for point in ECB_MRO_RATES]
    assert starts == sorted(set(starts))


def test_load_rates_reads_another_file(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("# my rates\n\nstart,rate\n2024-01-01, 1.5\n2025-01-01,2\n")
    assert load_rates(path) == (
        RatePoint(date(2024, 1, 1), D("1.5")),
        RatePoint(date(2025, 1, 1), D("2")),
    )


@pytest.mark.parametrize(
    "text, line, column",
    [
        ("start,rate\n2024-13-01,1.5\n", 2, "start"),
        ("# source\nstart,rate\n2024-01-01,1.5\n2024-02-01,abc\n", 4, "rate"),
        ("start,rate\n2024-01-01,1.5\n2024-02-01,2,15\n", 3, None),  # decimal comma
        ("start,rate\n2024-01-01,1.5\n2023-01-01,1\n", 3, "start"),  # dates go back
        ("start,rate\n2024-01-01,1.5\n2024-01-01,1\n", 3, "start"),  # same date twice
        ("date;rate\n2024-01-01;1.5\n", 1, None),  # not the expected header
        ("start,rate\n", None, None),  # no rates
        ("", None, None),
    ],
)
def test_load_rates_refuses_a_broken_file_naming_the_line(tmp_path, text, line, column):
    path = tmp_path / "rates.csv"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_rates(path)
    assert (caught.value.file, caught.value.line, caught.value.column) == (
        "rates.csv",
        line,
        column,
    )
    if line is not None:
        assert f"line {line}" in str(caught.value)


def test_load_rates_refuses_a_missing_file(tmp_path):
    with pytest.raises(InputError, match="absent.csv"):
        load_rates(tmp_path / "absent.csv")


days = st.integers(0, 1200).map(lambda n: date.fromordinal(date(2022, 7, 1).toordinal() + n))
balances = st.decimals(min_value=D("-100"), max_value=D("100000"), places=2)


@settings(max_examples=150, deadline=None)
@given(
    due=days,
    today=days,
    later=st.integers(0, 400),
    outstanding=st.lists(st.tuples(days, balances), max_size=5).map(sorted),
    rate=st.none() | st.decimals(min_value=D("0"), max_value=D("30"), places=2),
    business=st.booleans(),
)
def test_interest_is_never_negative_and_grows_with_today(
    due, today, later, outstanding, rate, business
):
    def fee(on):
        return late_fee(
            due_date=due,
            today=on,
            outstanding=outstanding,
            contractual_rate=rate,
            business=business,
        )

    now = fee(today)
    then = fee(date.fromordinal(today.toordinal() + later))
    assert now.interest >= 0 and now.indemnity >= 0
    assert then.interest >= now.interest
    assert then.indemnity >= now.indemnity
    assert then.days_late >= now.days_late
    assert now.days_late == sum(p.days for p in now.periods)
    assert all(p.base > 0 and p.days > 0 and p.start <= p.end for p in now.periods)
    assert (now.indemnity > 0) == (business and now.days_late > 0)
