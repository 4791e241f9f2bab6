"""The 13-week cash-in forecast, in plain Python.

**Habits.** A customer's habit is the distribution of its payment delays, learned from
its own history: for each invoice paid in full by `as_of`, delay = paid_on − due date in
days (negative when paid early). Only its `HISTORY_COUNT` (12) most recently paid invoices
count, so a habit follows the customer's current behaviour. From the delays, sorted:

    low = 20th percentile, median = 50th, high = 80th, worst = the largest delay

each by the nearest-rank method (the value at rank ⌈p × n / 100⌉, 1-based), so every
figure is a delay that really happened, in whole days, and low ≤ median ≤ high ≤ worst.
A customer with fewer than `MIN_HISTORY` (3) paid invoices uses the company's habit,
learned the same way from every customer's recent history pooled; with no history at
all in the company the habit is 0 days (expected on the due date, no band).

**Each open invoice** (open balance at `as_of`, due date d) is, in this order:
1. *not expected* ("disputed") when a dispute is open on it at `as_of`;
2. *not expected* ("overdue") when more than `OVERDUE_LIMIT` (90) days past due;
3. *not expected* ("beyond_habit") when the customer has its own habit and the invoice
   is more than `HABIT_GRACE` (30) days later than the customer's worst delay;
4. otherwise expected on d + median, with the window [d + low, d + high] around it.
   Money cannot come in the past: when d + median ≤ as_of (the invoice is already later
   than the customer's habit) the whole window moves so that the expected day is the day
   after `as_of` (it keeps its spread after the expected day); any start of window still
   on or before `as_of` becomes the day after `as_of`.

**Weeks.** Week k (1-based) runs from as_of + 7(k − 1) + 1 to as_of + 7k. Per week:
- expected = Σ balances of the invoices expected in that week (their ids are listed);
- low = Σ balances of the invoices whose whole window lies in that week: money that
  comes in that week wherever in its band it falls;
- high = Σ balances of the invoices whose window touches that week: money that may.
An invoice counted in low is expected in its week, and one expected in a week touches
it, so low ≤ expected ≤ high week by week. Invoices expected after the last week are
"beyond" the horizon, so: Σ expected + not expected + beyond = the open total.

The comparison afterwards (`compare`) puts the receipts dated in each week beside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from solde.core.errors import ValidationError
from solde.core.money import ZERO, quantize, round_to

WEEKS = 13
MAX_WEEKS = 104
HISTORY_COUNT = 12
MIN_HISTORY = 3
OVERDUE_LIMIT = 90
HABIT_GRACE = 30
LOW_PERCENTILE, HIGH_PERCENTILE = 20, 80

CUSTOMER, COMPANY, NONE = "customer", "company", "none"
DISPUTED, OVERDUE, BEYOND_HABIT = "disputed", "overdue", "beyond_habit"


@dataclass(frozen=True, slots=True)
class PaidRecord:
    """An invoice paid in full: its customer, due date, the day it was paid, its total."""

    customer: Hashable
    due_date: date
    paid_on: date
    amount: Decimal = ZERO

    @property
    def delay(self) -> int:
        return (self.paid_on - self.due_date).days


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An invoice open at as_of: its id, customer, due date, open balance, disputed then."""

    id: Hashable
    customer: Hashable
    due_date: date
    balance: Decimal
    disputed: bool = False


@dataclass(frozen=True, slots=True)
class Habit:
    """Delays in days: low/median/high percentiles and the worst; `source` says whose."""

    low: int
    median: int
    high: int
    worst: int
    count: int
    source: str


NO_HABIT = Habit(low=0, median=0, high=0, worst=0, count=0, source=NONE)


def percentile(sorted_values: Sequence[int], pct: int) -> int:
    """Nearest rank: the value at rank ⌈pct × n / 100⌉ (at least 1) of sorted values."""
    rank = max(1, -(-pct * len(sorted_values) // 100))
    return sorted_values[rank - 1]


def habit_of(delays: Iterable[int], source: str) -> Habit:
    """The habit of some delays; NO_HABIT when there are none."""
    values = sorted(delays)
    if not values:
        return NO_HABIT
    return Habit(
        low=percentile(values, LOW_PERCENTILE),
        median=percentile(values, 50),
        high=percentile(values, HIGH_PERCENTILE),
        worst=values[-1],
        count=len(values),
        source=source,
    )


def recent_history(
    history: Iterable[PaidRecord], as_of: date, count: int = HISTORY_COUNT
) -> dict[Hashable, list[PaidRecord]]:
    """Per customer, its `count` invoices most recently paid by as_of, the newest first
    (ties on the day: the later due date first, so the choice is deterministic)."""
    per: dict[Hashable, list[PaidRecord]] = defaultdict(list)
    for record in history:
        if record.paid_on <= as_of:
            per[record.customer].append(record)
    return {
        customer: sorted(records, key=lambda r: (r.paid_on, r.due_date), reverse=True)[:count]
        for customer, records in per.items()
    }


def habits(
    history: Iterable[PaidRecord], as_of: date, *, count: int = HISTORY_COUNT
) -> tuple[dict[Hashable, Habit], Habit]:
    """(each customer's own habit when it has MIN_HISTORY records, the company's habit)."""
    recent = recent_history(history, as_of, count)
    own = {
        customer: habit_of((r.delay for r in records), CUSTOMER)
        for customer, records in recent.items()
        if len(records) >= MIN_HISTORY
    }
    pooled = habit_of((r.delay for records in recent.values() for r in records), COMPANY)
    return own, pooled


@dataclass(frozen=True, slots=True)
class Expectation:
    """When one open invoice is expected: `expected_on` in [early, late], or `reason` set
    (disputed, overdue, beyond_habit) and no dates when it is not expected."""

    item: OpenItem
    habit: Habit
    expected_on: date | None = None
    early: date | None = None
    late: date | None = None
    reason: str = ""


def expect(item: OpenItem, habit: Habit, as_of: date) -> Expectation:
    """One invoice's expected day and window, or why it is not expected (module doc)."""
    late_by = (as_of - item.due_date).days
    reason = ""
    if item.disputed:
        reason = DISPUTED
    elif late_by > OVERDUE_LIMIT:
        reason = OVERDUE
    elif habit.source == CUSTOMER and late_by > habit.worst + HABIT_GRACE:
        reason = BEYOND_HABIT
    if reason:
        return Expectation(item=item, habit=habit, reason=reason)
    first = as_of + timedelta(days=1)
    expected = item.due_date + timedelta(days=habit.median)
    late = item.due_date + timedelta(days=habit.high)
    if expected < first:  # later than its habit: re-centred on the day after as_of
        late += first - expected
        expected = first
    early = max(item.due_date + timedelta(days=habit.low), first)
    return Expectation(item=item, habit=habit, expected_on=expected, early=early, late=late)


@dataclass(frozen=True, slots=True)
class Week:
    start: date
    end: date
    expected: Decimal
    low: Decimal
    high: Decimal
    invoices: tuple[Hashable, ...]  # ids of the invoices expected this week


@dataclass(frozen=True, slots=True)
class Forecast:
    as_of: date
    currency: str
    weeks: tuple[Week, ...]
    expectations: tuple[Expectation, ...]
    not_expected: Decimal
    not_expected_invoices: tuple[Hashable, ...]
    beyond: Decimal  # expected after the last week
    beyond_invoices: tuple[Hashable, ...]
    # Open totals in currencies left out of the forecast (one currency per forecast).
    other_currencies: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total_expected(self) -> Decimal:
        return sum((w.expected for w in self.weeks), ZERO)

    @property
    def open_total(self) -> Decimal:
        return self.total_expected + self.not_expected + self.beyond


def check_weeks(weeks: int) -> int:
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise ValidationError(f"A forecast covers 1 to {MAX_WEEKS} weeks.", field="weeks")
    return weeks


def week_bounds(as_of: date, weeks: int = WEEKS) -> tuple[tuple[date, date], ...]:
    """(start, end) of each week: as_of + 1 .. as_of + 7, then the next 7 days, …"""
    return tuple(
        (as_of + timedelta(days=7 * k + 1), as_of + timedelta(days=7 * k + 7)) for k in range(weeks)
    )


def week_index(as_of: date, day: date, weeks: int = WEEKS) -> int | None:
    """0-based week of `day`, None when on or before as_of or after the last week."""
    offset = (day - as_of).days - 1
    if offset < 0 or offset >= 7 * weeks:
        return None
    return offset // 7


def _sums(expectations: Sequence[Expectation], as_of: date, weeks: int) -> tuple[list, ...]:
    expected, low, high = ([ZERO] * weeks for _ in range(3))
    ids: list[list[Hashable]] = [[] for _ in range(weeks)]
    last = as_of + timedelta(days=7 * weeks)
    for e in expectations:
        if e.expected_on is None or e.early > last:
            continue
        balance = e.item.balance
        first_week = week_index(as_of, e.early, weeks)
        last_week = week_index(as_of, min(e.late, last), weeks)
        for k in range(first_week, last_week + 1):
            high[k] += balance
        if first_week == week_index(as_of, e.late, weeks):
            low[first_week] += balance
        k = week_index(as_of, e.expected_on, weeks)
        if k is not None:
            expected[k] += balance
            ids[k].append(e.item.id)
    return expected, low, high, ids


def forecast(
    items: Iterable[OpenItem],
    history: Iterable[PaidRecord],
    as_of: date,
    *,
    currency: str,
    weeks: int = WEEKS,
) -> Forecast:
    """The cash expected per week from the invoices open at as_of (module doc)."""
    check_weeks(weeks)
    own, pooled = habits(history, as_of)
    expectations = tuple(
        expect(item, own.get(item.customer, pooled), as_of)
        for item in sorted(items, key=lambda i: (i.due_date, str(i.id)))
    )
    expected, low, high, ids = _sums(expectations, as_of, weeks)
    out = [e for e in expectations if e.reason]
    last = as_of + timedelta(days=7 * weeks)
    beyond = [e for e in expectations if e.expected_on is not None and e.expected_on > last]
    return Forecast(
        as_of=as_of,
        currency=currency,
        weeks=tuple(
            Week(
                start=start,
                end=end,
                expected=quantize(expected[k], currency),
                low=quantize(low[k], currency),
                high=quantize(high[k], currency),
                invoices=tuple(ids[k]),
            )
            for k, (start, end) in enumerate(week_bounds(as_of, weeks))
        ),
        expectations=expectations,
        not_expected=quantize(sum((e.item.balance for e in out), ZERO), currency),
        not_expected_invoices=tuple(e.item.id for e in out),
        beyond=quantize(sum((e.item.balance for e in beyond), ZERO), currency),
        beyond_invoices=tuple(e.item.id for e in beyond),
    )


# --- comparison afterwards -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeekResult:
    """A forecast week beside what came in; actual and difference are None while the
    week is not over (its end after `known_until`)."""

    start: date
    end: date
    expected: Decimal
    low: Decimal
    high: Decimal
    actual: Decimal | None
    difference: Decimal | None  # actual − expected

    @property
    def within_band(self) -> bool | None:
        return None if self.actual is None else self.low <= self.actual <= self.high


@dataclass(frozen=True, slots=True)
class Comparison:
    made_on: date
    known_until: date
    currency: str
    weeks: tuple[WeekResult, ...]
    mape: Decimal | None  # mean absolute percentage error over the weeks over, in percent

    @property
    def total_expected(self) -> Decimal:
        return sum((w.expected for w in self.weeks if w.actual is not None), ZERO)

    @property
    def total_actual(self) -> Decimal:
        return sum((w.actual for w in self.weeks if w.actual is not None), ZERO)

    @property
    def difference(self) -> Decimal:
        """Σ actual − Σ expected over the weeks that are over."""
        return self.total_actual - self.total_expected


def mape(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Mean of |actual − expected| / expected × 100 over (expected, actual) pairs with
    expected > 0, 2 decimals; None when there is none (a percentage of 0 is undefined)."""
    errors = [abs(actual - expected) / expected for expected, actual in pairs if expected > ZERO]
    if not errors:
        return None
    return round_to(sum(errors, ZERO) / len(errors) * 100, 2)


def compare(
    made: Forecast,
    receipts: Mapping[date, Decimal] | Iterable[tuple[date, Decimal]],
    known_until: date,
) -> Comparison:
    """Each week of `made` with the receipts dated in it (amounts per day); only weeks
    ended by `known_until` get an actual and count in the error."""
    pairs = receipts.items() if isinstance(receipts, Mapping) else receipts
    actual = [ZERO] * len(made.weeks)
    for day, amount in pairs:
        k = week_index(made.as_of, day, len(made.weeks))
        if k is not None:
            actual[k] += amount
    cur = made.currency
    results = []
    for k, week in enumerate(made.weeks):
        got = quantize(actual[k], cur) if week.end <= known_until else None
        results.append(
            WeekResult(
                start=week.start,
                end=week.end,
                expected=week.expected,
                low=week.low,
                high=week.high,
                actual=got,
                difference=None if got is None else got - week.expected,
            )
        )
    over = [(w.expected, w.actual) for w in results if w.actual is not None]
    return Comparison(
        made_on=made.as_of,
        known_until=known_until,
        currency=cur,
        weeks=tuple(results),
        mape=mape(over),
    )
