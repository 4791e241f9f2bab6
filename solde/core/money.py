"""Money: the one way amounts come in.

Amounts are `Decimal`, quantized to the currency's minor unit (EUR 2, JPY 0,
KWD 3) with half-up rounding, as EN 16931 examples do. Floats are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

from solde.core.errors import ValidationError

ZERO = Decimal("0")
UNIT_PRICE_DECIMALS = 6
QUANTITY_DECIMALS = 4


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if code not in _known_currencies():
        raise ValidationError(
            f"Unknown currency code {code!r} (ISO 4217 expected).", field="currency"
        )
    return code


# ISO 4217 minor units where CLDR (babel) gives the digits used in practice instead:
# CLDR 47 (babel 2.17+) rounds these to whole units, ISO 4217 and EN 16931 do not.
_ISO_4217_MINOR_UNITS = {
    **dict.fromkeys(
        ("AFN", "ALL", "COP", "HUF", "IDR", "IRR", "KPW", "LAK", "LBP", "MGA", "MMK", "SLL"), 2
    ),
    **dict.fromkeys(("SOS", "SYP", "YER"), 2),
    "IQD": 3,
}


@cache
def currency_decimals(code: str) -> int:
    """The currency's minor unit as ISO 4217 states it (EUR 2, JPY 0, KWD 3, HUF 2)."""
    code = check_currency(code)
    return _ISO_4217_MINOR_UNITS.get(code, get_currency_precision(code))


def _exponent(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round an amount to the currency's minor unit, half up."""
    return amount.quantize(_exponent(currency_decimals(currency)), rounding=ROUND_HALF_UP)


def round_to(amount: Decimal, decimals: int) -> Decimal:
    return amount.quantize(_exponent(decimals), rounding=ROUND_HALF_UP)


_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def to_decimal(value: object, *, field: str = "amount", decimals: int | None = None) -> Decimal:
    """Parse a plain number ("12.50", Decimal, int); refuse floats and junk.

    With `decimals`, refuse a value that has more decimals than that rather
    than silently rounding what a person typed.
    """
    if isinstance(value, (bool, float)):
        raise ValidationError(
            f"{field}: floats are not accepted for money, use a string.", field=field
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str) and _PLAIN_NUMBER.match(value.strip()):
        try:
            number = Decimal(value.strip())
        except InvalidOperation as exc:  # pragma: no cover - regex guards this
            raise ValidationError(f"{field}: {value!r} is not a number.", field=field) from exc
    else:
        raise ValidationError(f"{field}: {value!r} is not a number.", field=field)
    if not number.is_finite():
        raise ValidationError(f"{field}: {value!r} is not a finite number.", field=field)
    if decimals is not None and number != round_to(number, decimals):
        raise ValidationError(f"{field}: {value!r} has more than {decimals} decimals.", field=field)
    return number


def money(value: object, currency: str, *, field: str = "amount") -> Decimal:
    """An amount in `currency`: parsed, checked for stray sub-cents, quantized."""
    return quantize(to_decimal(value, field=field, decimals=currency_decimals(currency)), currency)


def format_amount(amount: Decimal, currency: str) -> str:
    """The machine form used by the CLI and the API: "1234.50"."""
    return f"{quantize(amount, currency):f}"


@dataclass(frozen=True, slots=True)
class Money:
    """An amount with its currency; arithmetic only within one currency."""

    amount: Decimal
    currency: str

    @classmethod
    def of(cls, value: object, currency: str) -> Money:
        return cls(money(value, currency), check_currency(currency))

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValidationError(
                f"Cannot mix {self.currency} and {other.currency}.", field="currency"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __str__(self) -> str:
        return f"{format_amount(self.amount, self.currency)} {self.currency}"
