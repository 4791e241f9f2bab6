"""Late-payment interest and the recovery indemnity (Code de commerce L441-10).

Between businesses a late invoice bears, from the day after its due date:

- interest at the rate the contract states or, by default, the ECB's rate for
  its main refinancing operations "majoré de 10 points": the rate in force on
  1 January for days in January–June, on 1 July for days in July–December;
- a fixed recovery indemnity of 40 EUR per late invoice (not for private persons).

How it is counted here: simple interest, actual days / 365, on the balance
outstanding each day, from the day after the due date up to and including
`today`. The balance is a step function, sorted `(from_date, balance)` pairs, each
balance in effect from its date: a payment dated D stops the interest on what it
paid from D on (day D bears none, so an invoice paid in full the day after its due
date is not late). A balance <= 0 accrues nothing. `days_late` counts the days after
the due date with something left to pay; the indemnity is owed when there is one.
The period is cut wherever the balance or (with the legal rate) the half-year
changes, so each `InterestPeriod` has one base and one rate; the amounts are summed
unrounded and rounded to the cent once, half up.

The ECB rates ship in `data/ecb_mro_rates.csv` (`start,rate`, `#` comments);
`load_rates` reads it or another file of the same shape.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path

from solde.core.errors import InputError, ValidationError
from solde.core.money import round_to, to_decimal

LEGAL_MARGIN = Decimal("10")  # "majoré de 10 points"
DAYS_PER_YEAR = Decimal("365")
ZERO = Decimal("0")
_HEADER = ("start", "rate")


@dataclass(frozen=True)
class RatePoint:
    start: date
    rate: Decimal


@dataclass(frozen=True)
class InterestPeriod:
    start: date  # first day, included
    end: date  # last day, included
    days: int
    rate: Decimal  # annual percent
    base: Decimal
    amount: Decimal  # unrounded


@dataclass(frozen=True)
class LateFee:
    interest: Decimal
    indemnity: Decimal
    periods: tuple[InterestPeriod, ...]
    days_late: int  # days after the due date with something left to pay

    @property
    def total(self) -> Decimal:
        return self.interest + self.indemnity


def _parse_row(text: str, line: int, file: str) -> RatePoint:
    cells = [cell.strip() for cell in text.split(",")]
    if len(cells) != 2:
        raise InputError(
            f"expected 2 columns (start,rate), found {len(cells)}", file=file, line=line
        )
    try:
        start = date.fromisoformat(cells[0])
    except ValueError:
        raise InputError(
            f"{cells[0]!r} is not a date (YYYY-MM-DD)", file=file, line=line, column="start"
        ) from None
    try:
        rate = to_decimal(cells[1], field="rate")
    except ValidationError as exc:
        raise InputError(exc.message, file=file, line=line, column="rate") from None
    return RatePoint(start, rate)


def _read_rates(text: str, file: str) -> tuple[RatePoint, ...]:
    points: list[RatePoint] = []
    header_seen = False
    for line, raw in enumerate(text.splitlines(), start=1):
        row = raw.strip()
        if not row or row.startswith("#"):
            continue
        if not header_seen:
            if tuple(cell.strip().lower() for cell in row.split(",")) != _HEADER:
                raise InputError("expected the header 'start,rate'", file=file, line=line)
            header_seen = True
            continue
        point = _parse_row(row, line, file)
        if points and point.start <= points[-1].start:
            raise InputError(
                f"{point.start.isoformat()} is not after {points[-1].start.isoformat()}: "
                "dates must increase",
                file=file,
                line=line,
                column="start",
            )
        points.append(point)
    if not points:
        raise InputError("no rates in the file", file=file)
    return tuple(points)


def load_rates(path: str | Path | None = None) -> tuple[RatePoint, ...]:
    """The rates of a `start,rate` CSV file; the shipped ECB table by default."""
    if path is None:
        source = resources.files("solde.core").joinpath("data", "ecb_mro_rates.csv")
        return _read_rates(source.read_text(encoding="utf-8"), "ecb_mro_rates.csv")
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file: {exc}", file=path.name) from None
    return _read_rates(text, path.name)


ECB_MRO_RATES: tuple[RatePoint, ...] = load_rates()


def _half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def legal_rate(day: date, rates: Sequence[RatePoint]) -> Decimal:
    """The L441-10 default rate for `day`: the ECB rate of its half-year + 10 points."""
    reference = _half_year_start(day)
    in_force = [point for point in rates if point.start <= reference]
    if not in_force:
        raise ValidationError(
            f"No ECB rate known on {reference.isoformat()} (needed for {day.isoformat()}).",
            field="rate",
        )
    return max(in_force, key=lambda point: point.start).rate + LEGAL_MARGIN


def _half_year_starts(first: date, last: date) -> list[date]:
    """Every 1 January and 1 July after `first` up to `last`."""
    starts = (date(year, month, 1) for year in range(first.year, last.year + 1) for month in (1, 7))
    return [day for day in starts if first < day <= last]


class _Balances:
    """The outstanding step function: the balance in effect on any day."""

    def __init__(self, outstanding: Sequence[tuple[date, Decimal]]):
        ordered = sorted(outstanding, key=lambda pair: pair[0])  # stable: last of a day wins
        self.days = [day for day, _ in ordered]
        self.amounts = [amount for _, amount in ordered]

    def on(self, day: date) -> Decimal:
        index = bisect_right(self.days, day)
        return self.amounts[index - 1] if index else ZERO


def _periods(
    first: date,
    last: date,
    balances: _Balances,
    rate_of: Callable[[date], Decimal],
    *,
    by_half_year: bool,
) -> tuple[InterestPeriod, ...]:
    """Cut [first, last] where the balance (or the half-year) changes; skip what accrues nothing."""
    cuts = {first, *(day for day in balances.days if first < day <= last)}
    if by_half_year:
        cuts.update(_half_year_starts(first, last))
    ordered = sorted(cuts)
    periods = []
    for start, following in zip(ordered, [*ordered[1:], last + timedelta(days=1)], strict=True):
        base = balances.on(start)
        if base <= 0:
            continue
        days = (following - start).days
        rate = rate_of(start)
        amount = base * rate * days / (100 * DAYS_PER_YEAR)
        end = following - timedelta(days=1)
        periods.append(InterestPeriod(start, end, days, rate, base, amount))
    return tuple(periods)


def late_fee(
    *,
    due_date: date,
    today: date,
    outstanding: Sequence[tuple[date, Decimal]],
    contractual_rate: Decimal | None = None,
    rates: Sequence[RatePoint] = ECB_MRO_RATES,
    indemnity: Decimal = Decimal("40"),
    business: bool = True,
) -> LateFee:
    """Interest and indemnity owed on one invoice as of `today` (see the module docstring)."""
    if contractual_rate is not None and contractual_rate < 0:
        raise ValidationError("A late-payment rate cannot be negative.", field="rate")
    if today <= due_date:
        return LateFee(ZERO, ZERO, (), 0)
    if contractual_rate is None:
        rate_of = lambda day: legal_rate(day, rates)  # noqa: E731
    else:
        rate_of = lambda day: contractual_rate  # noqa: E731
    periods = _periods(
        due_date + timedelta(days=1),
        today,
        _Balances(outstanding),
        rate_of,
        by_half_year=contractual_rate is None,
    )
    days_late = sum(period.days for period in periods)
    interest = round_to(sum((period.amount for period in periods), ZERO), 2)
    owed = indemnity if business and days_late > 0 else ZERO
    return LateFee(interest, round_to(owed, 2), periods, days_late)
