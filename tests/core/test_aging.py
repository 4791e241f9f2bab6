"""The aged balance: buckets by days past due (as_of − due_date), computed by hand.

Default boundaries (30, 60, 90): not_due <= 0 < 1_30 <= 30 < 31_60 <= 60 < 61_90 <= 90 < over_90.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solde.core.aging import Aging, Buckets, age, bucket_of, days_past_due
from solde.core.errors import ValidationError

D = Decimal
AS_OF = date(2025, 6, 30)


def test_a_hand_computed_aged_balance():
    """As of 2025-06-30 (June 30, May 31, April 30 days):

    due 2025-07-15  100.00  -15 days  not_due
    due 2025-06-30   50.00    0       not_due (due today is not late)
    due 2025-06-29   10.00    1       1_30
    due 2025-05-31   20.00   30       1_30
    due 2025-05-30   30.00   31       31_60
    due 2025-05-01   40.00   60       31_60
    due 2025-04-30    5.00   61       61_90
    due 2025-04-01    7.00   90       61_90
    due 2025-03-31    8.00   91       over_90
    due 2024-12-31 1000.00  181       over_90 (31+28+31+30+31+30)
    not_due 150.00, 1_30 30.00, 31_60 70.00, 61_90 12.00, over_90 1008.00, total 1270.00
    """
    items = [
        (date(2025, 7, 15), D("100.00")),
        (date(2025, 6, 30), D("50.00")),
        (date(2025, 6, 29), D("10.00")),
        (date(2025, 5, 31), D("20.00")),
        (date(2025, 5, 30), D("30.00")),
        (date(2025, 5, 1), D("40.00")),
        (date(2025, 4, 30), D("5.00")),
        (date(2025, 4, 1), D("7.00")),
        (date(2025, 3, 31), D("8.00")),
        (date(2024, 12, 31), D("1000.00")),
    ]
    assert [days_past_due(due, AS_OF) for due, _ in items] == [
        -15, 0, 1, 30, 31, 60, 61, 90, 91, 181
    ]  # fmt: skip
    assert age(items, AS_OF) == Aging(
        as_of=AS_OF,
        buckets={
            "not_due": D("150.00"),
            "1_30": D("30.00"),
            "31_60": D("70.00"),
            "61_90": D("12.00"),
            "over_90": D("1008.00"),
        },
        total=D("1270.00"),
    )


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-400, "not_due"),
        (-1, "not_due"),
        (0, "not_due"),
        (1, "1_30"),
        (30, "1_30"),
        (31, "31_60"),
        (60, "31_60"),
        (61, "61_90"),
        (90, "61_90"),
        (91, "over_90"),
        (5000, "over_90"),
    ],
)
def test_default_boundaries_on_the_exact_days(days, bucket):
    assert bucket_of(days) == bucket
    assert bucket_of(days, (30, 60, 90)) == bucket
    assert bucket_of(days, Buckets()) == bucket


@pytest.mark.parametrize(
    ("boundaries", "days", "bucket"),
    [
        ((15, 45), 0, "not_due"),
        ((15, 45), 1, "1_15"),
        ((15, 45), 15, "1_15"),
        ((15, 45), 16, "16_45"),
        ((15, 45), 45, "16_45"),
        ((15, 45), 46, "over_45"),
        ((60,), 60, "1_60"),
        ((60,), 61, "over_60"),
        ((1, 2), 1, "1_1"),
        ((1, 2), 2, "2_2"),
        ((1, 2), 3, "over_2"),
    ],
)
def test_custom_boundaries(boundaries, days, bucket):
    assert bucket_of(days, boundaries) == bucket


def test_the_keys_and_bounds_of_the_buckets():
    assert Buckets().keys == ("not_due", "1_30", "31_60", "61_90", "over_90")
    assert Buckets((15, 45)).keys == ("not_due", "1_15", "16_45", "over_45")
    assert Buckets().bounds() == (
        ("not_due", None, 0),
        ("1_30", 1, 30),
        ("31_60", 31, 60),
        ("61_90", 61, 90),
        ("over_90", 91, None),
    )
    assert Buckets([30, 60]).boundaries == (30, 60)  # a list is kept as a tuple


def test_custom_boundaries_in_an_aged_balance():
    """(15, 45) at 2025-06-30: due 06-15 (15 days) 1.00 → 1_15; due 06-14 (16) 2.00 → 16_45;
    due 05-16 (45) 3.00 → 16_45; due 05-15 (46) 4.00 → over_45. Total 10.00."""
    items = [
        (date(2025, 6, 15), D("1.00")),
        (date(2025, 6, 14), D("2.00")),
        (date(2025, 5, 16), D("3.00")),
        (date(2025, 5, 15), D("4.00")),
    ]
    result = age(items, AS_OF, (15, 45))
    assert result.buckets == {
        "not_due": D("0"),
        "1_15": D("1.00"),
        "16_45": D("5.00"),
        "over_45": D("4.00"),
    }
    assert result.total == D("10.00")


def test_nothing_open_gives_every_bucket_at_zero():
    result = age([], AS_OF)
    assert result.buckets == dict.fromkeys(Buckets().keys, D("0"))
    assert result.total == D("0")


@pytest.mark.parametrize(
    "boundaries", [(), (0, 30), (-5,), (30, 30), (60, 30), (30.0, 60), (True,), ("30",)]
)
def test_wrong_boundaries_are_refused(boundaries):
    with pytest.raises(ValidationError) as error:
        Buckets(boundaries)
    assert error.value.field == "boundaries"


boundaries_st = st.lists(st.integers(1, 400), min_size=1, max_size=5, unique=True).map(
    lambda b: tuple(sorted(b))
)
balances_st = st.decimals(min_value=-1000, max_value=100_000, places=2)
items_st = st.lists(st.tuples(st.integers(-200, 800), balances_st), max_size=30)


@given(items_st, boundaries_st)
def test_buckets_add_up_to_the_total(offsets, boundaries):
    items = [(AS_OF - timedelta(days=days), balance) for days, balance in offsets]
    result = age(items, AS_OF, boundaries)
    assert set(result.buckets) == set(Buckets(boundaries).keys)
    assert sum(result.buckets.values(), D(0)) == result.total
    assert result.total == sum((balance for _, balance in items), D(0))


@given(st.integers(-1000, 1000), boundaries_st, balances_st)
def test_every_item_lands_in_exactly_one_bucket(days, boundaries, balance):
    cut = Buckets(boundaries)
    holding = [
        key
        for key, low, high in cut.bounds()
        if (low is None or days >= low) and (high is None or days <= high)
    ]
    assert holding == [bucket_of(days, cut)]
    result = age([(AS_OF - timedelta(days=days), balance)], AS_OF, cut)
    assert result.buckets == {key: balance if key == holding[0] else D(0) for key in cut.keys}


@given(st.integers(-500, 500), st.integers(0, 500), st.integers(0, 500), boundaries_st)
def test_a_later_as_of_never_moves_an_item_to_a_younger_bucket(offset, later, more, boundaries):
    cut = Buckets(boundaries)
    due = AS_OF + timedelta(days=offset)
    positions = [
        cut.keys.index(bucket_of(days_past_due(due, AS_OF + timedelta(days=shift)), cut))
        for shift in (0, later, later + more)
    ]
    assert positions == sorted(positions)
