from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solde.core.errors import ValidationError
from solde.core.money import Money, currency_decimals, format_amount, money, quantize


@pytest.mark.parametrize(
    ("currency", "decimals"), [("EUR", 2), ("JPY", 0), ("KWD", 3), ("HUF", 2), ("IQD", 3)]
)
def test_currency_minor_units(currency, decimals):
    assert currency_decimals(currency) == decimals


@pytest.mark.parametrize(
    ("raw", "currency", "expected"),
    [
        ("12.5", "EUR", "12.50"),
        ("1000", "JPY", "1000"),
        ("1.234", "KWD", "1.234"),
        (Decimal("7"), "EUR", "7.00"),
        (3, "EUR", "3.00"),
    ],
)
def test_money_parses_and_quantizes(raw, currency, expected):
    assert format_amount(money(raw, currency), currency) == expected


@pytest.mark.parametrize("raw", [1.5, "abc", "1e5", "NaN", None, "1.001", True])
def test_money_refuses_floats_junk_and_stray_decimals(raw):
    with pytest.raises(ValidationError):
        money(raw, "EUR")


def test_half_up_rounding():
    assert quantize(Decimal("0.125"), "EUR") == Decimal("0.13")
    assert quantize(Decimal("-0.125"), "EUR") == Decimal("-0.13")


def test_unknown_currency_and_mixing_are_refused():
    with pytest.raises(ValidationError):
        money("1", "XYZ")
    with pytest.raises(ValidationError):
        Money.of("1", "EUR") + Money.of("1", "USD")


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2))
def test_money_round_trips_its_own_format(value):
    assert money(format_amount(value, "EUR"), "EUR") == value
