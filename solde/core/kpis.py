"""Receivables figures, in plain Python: the formulas the reports and the dashboard use.

Every function takes amounts or records already limited to what had happened by the
date in question (the database layer aggregates them) and returns a `Decimal`:

- percentages (CEI, on-time rate, doubtful ratio) and ratios (turnover): 2 decimals;
- day counts (DSO, days to pay, days late): 1 decimal;

both rounded half up, once, at the end. A figure whose denominator is zero (or
negative, which consistent data cannot produce) is undefined: the function returns
None, never 0 and never an exception, so a page can show "—".

The aged balance itself (buckets by days past due) is in `solde.core.aging`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from solde.core.aging import days_past_due
from solde.core.money import ZERO, round_to

DSO_DAYS = 90
DOUBTFUL_AFTER_DAYS = 90
HUNDRED = Decimal(100)


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole × 100, 2 decimals; None when whole <= 0."""
    if whole <= ZERO:
        return None
    return round_to(part / whole * HUNDRED, 2)


def _days(amount: Decimal, per: Decimal, days: int) -> Decimal | None:
    """amount / per × days, 1 decimal; None when per <= 0."""
    if per <= ZERO:
        return None
    return round_to(amount / per * days, 1)


# --- DSO -------------------------------------------------------------------------


def dso_window(as_of: date, days: int = DSO_DAYS) -> tuple[date, date]:
    """The invoicing window of a DSO at `as_of`: the `days` days ending on as_of, both
    ends included (for 90 days at 2025-03-31: 2025-01-01 .. 2025-03-31)."""
    return as_of - timedelta(days=days - 1), as_of


def dso(receivables: Decimal, invoiced: Decimal, days: int = DSO_DAYS) -> Decimal | None:
    """Days sales outstanding, standard method.

    DSO = receivables at as_of / invoiced (tax included) over `dso_window` × days.
    None when nothing (or a net credit) was invoiced in the window.
    """
    return _days(receivables, invoiced, days)


def best_possible_dso(
    current_receivables: Decimal, invoiced: Decimal, days: int = DSO_DAYS
) -> Decimal | None:
    """The DSO if every overdue invoice were paid: only the current receivables count.

    best DSO = not-yet-due receivables at as_of / invoiced over `dso_window` × days.
    None when nothing was invoiced in the window.
    """
    return _days(current_receivables, invoiced, days)


@dataclass(frozen=True, slots=True)
class SalesPeriod:
    """What was invoiced (tax included) from `start` to `end`, both included."""

    start: date
    end: date
    invoiced: Decimal

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def month_periods(as_of: date, count: int) -> tuple[tuple[date, date], ...]:
    """`count` calendar months walking back from as_of, the newest first.

    The first is month-to-date (the 1st of as_of's month .. as_of); the others are
    whole calendar months. At a month end every period is a whole month.
    """
    periods: list[tuple[date, date]] = []
    end = as_of
    for _ in range(count):
        start = end.replace(day=1)
        periods.append((start, end))
        end = start - timedelta(days=1)
    return tuple(periods)


def count_back_dso(receivables: Decimal, periods: Sequence[SalesPeriod]) -> Decimal | None:
    """Days sales outstanding, count-back method.

    Walk back through `periods`, the newest first (months from `month_periods`, or
    single days for a day-by-day count), and use up the receivables at as_of against
    each period's sales:
    - while what is left exceeds the period's sales, subtract them and count the whole
      period's days;
    - in the period where what is left is <= its sales, count the fraction of its days
      left / sales × days, and stop.
    A period with no (or net negative) sales counts whole and uses up nothing.
    Receivables <= 0 give 0.0. None when the periods given run out before the
    receivables do: the history is too short to say.
    """
    left = receivables
    total = Decimal(0)
    if left <= ZERO:
        return round_to(total, 1)
    for period in periods:
        sales = max(period.invoiced, ZERO)
        if sales > ZERO and left <= sales:
            return round_to(total + left / sales * period.days, 1)
        left -= sales
        total += period.days
    return None


# --- collection ------------------------------------------------------------------


def cei(
    opening: Decimal, credit_sales: Decimal, closing_total: Decimal, closing_current: Decimal
) -> Decimal | None:
    """Collection effectiveness index over a period, in percent.

    CEI = (opening receivables + credit sales − closing total receivables)
        / (opening receivables + credit sales − closing current receivables) × 100
    i.e. what was collected over what could have been (everything except what is not
    yet due at the end). 100 means every due invoice was collected. None when nothing
    was collectible (the denominator is <= 0).
    """
    collectible = opening + credit_sales - closing_current
    return share(opening + credit_sales - closing_total, collectible)


def receivables_turnover(invoiced: Decimal, receivables: Sequence[Decimal]) -> Decimal | None:
    """How many times the receivables turned over in a period, 2 decimals.

    turnover = invoiced over the period / mean of `receivables`, the samples over the
    period: pass (opening, closing) for the usual two-point mean, or month ends.
    None without samples or when the mean is <= 0.
    """
    if not receivables:
        return None
    average = sum(receivables, ZERO) / len(receivables)
    if average <= ZERO:
        return None
    return round_to(invoiced / average, 2)


@dataclass(frozen=True, slots=True)
class PaidInvoice:
    """An invoice's dates: issued, due, and paid in full (None while not paid)."""

    issue_date: date
    due_date: date
    paid_on: date | None


PaidRecords = Iterable[PaidInvoice | tuple[date, date, date | None]]


def _paid_in(
    records: PaidRecords,
    start: date | None,
    end: date | None,
) -> list[PaidInvoice]:
    """The records paid in full within [start, end] (either end open when None)."""
    chosen = []
    for record in records:
        paid = record if isinstance(record, PaidInvoice) else PaidInvoice(*record)
        if paid.paid_on is None:
            continue
        if (start is None or paid.paid_on >= start) and (end is None or paid.paid_on <= end):
            chosen.append(paid)
    return chosen


def on_time_rate(
    records: PaidRecords, start: date | None = None, end: date | None = None
) -> Decimal | None:
    """Share of invoices paid on or before their due date, in percent.

    on-time rate = #(paid_on <= due_date) / #(paid in full in [start, end]) × 100.
    Records are `PaidInvoice`s or (issue_date, due_date, paid_on) tuples; unpaid
    ones (paid_on None) do not count. None when none was paid in the period.
    """
    paid = _paid_in(records, start, end)
    on_time = sum(1 for p in paid if p.paid_on <= p.due_date)
    return share(Decimal(on_time), Decimal(len(paid)))


def average_days_to_pay(
    records: PaidRecords, start: date | None = None, end: date | None = None
) -> Decimal | None:
    """Mean of (paid_on − issue_date) in days over the invoices paid in [start, end],
    1 decimal. None when none was paid in the period."""
    paid = _paid_in(records, start, end)
    return _mean_days([(p.paid_on - p.issue_date).days for p in paid])


def average_days_late(
    records: PaidRecords, start: date | None = None, end: date | None = None
) -> Decimal | None:
    """Mean of max(0, paid_on − due_date) in days over the invoices paid in [start, end]
    (an invoice paid early counts 0), 1 decimal. None when none was paid in the period."""
    paid = _paid_in(records, start, end)
    return _mean_days([max(0, (p.paid_on - p.due_date).days) for p in paid])


def _mean_days(days: Sequence[int]) -> Decimal | None:
    if not days:
        return None
    return round_to(Decimal(sum(days)) / len(days), 1)


# --- risk ------------------------------------------------------------------------


def doubtful_ratio(
    items: Iterable[tuple[date, Decimal, bool]],
    as_of: date,
    *,
    after_days: int = DOUBTFUL_AFTER_DAYS,
) -> Decimal | None:
    """Share of the receivables at risk, in percent.

    doubtful ratio = Σ balance of items doubtful or more than `after_days` past due
                   / Σ balance of all items × 100
    over (due_date, balance, doubtful) items at as_of; an item both doubtful and old
    counts once. None when the receivables are <= 0.
    """
    at_risk = total = ZERO
    for due_date, balance, doubtful in items:
        total += balance
        if doubtful or days_past_due(due_date, as_of) > after_days:
            at_risk += balance
    return share(at_risk, total)
