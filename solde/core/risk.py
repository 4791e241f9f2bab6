"""A customer's risk score from its payment behaviour, in plain Python.

The score is 0–100 (higher is riskier): the sum of the points below, capped at 100.
Each rule that fires adds a `Reason` (a code, the figures behind it, the points), so a
score explains itself; the web layer turns codes into sentences.

| code             | figures               | rule                                 | points |
|------------------|-----------------------|--------------------------------------|--------|
| lateness_rising  | recent, before (days) | recent − before ≥ 10 days            | 15     |
|                  |                       | recent − before ≥ 30 days            | 25     |
| paid_late        | on_time (%), paid     | on-time share < 80 %                 | 10     |
|                  |                       | on-time share < 50 %                 | 20     |
| dispute_open     | count                 | 10 per dispute open at as_of         | ≤ 20   |
| disputes_recent  | count                 | 5 per other dispute of the year      | ≤ 10   |
| promises_broken  | count                 | 10 per promise broken in the year    | ≤ 20   |
| overdue_vs_habit | overdue, monthly      | overdue > the average month invoiced | 10     |
|                  |                       | > 3 × that, or nothing invoiced      | 20     |
| oldest_overdue   | days                  | oldest overdue > 30 days past due    | 5      |
|                  |                       | > 60 days                            | 10     |
|                  |                       | > 90 days                            | 20     |

- The year: the 365 days to as_of. "Other" disputes: opened in the year, resolved by as_of.
- Lateness: days late of a paid invoice = max(0, paid_on − due date). Over the customer's
  recent paid invoices (at least 4, n of them, ordered by paid_on), "recent" is the mean
  of the newest ⌊n/2⌋ and "before" the mean of the others (each rounded down to a day).
- The on-time share needs at least 3 paid invoices; paid on or before the due date counts.
- The average month invoiced is what was invoiced over the 365 days to as_of ÷ 12.

Levels: low below 30, medium from 30, high from 60.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from solde.core.money import ZERO

MAX_SCORE = 100
MEDIUM_FROM, HIGH_FROM = 30, 60
LOW, MEDIUM, HIGH = "low", "medium", "high"
TREND_MIN_PAID = 4
ON_TIME_MIN_PAID = 3


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    values: dict = field(default_factory=dict)
    points: int = 0


@dataclass(frozen=True, slots=True)
class Behaviour:
    """What is known of a customer at as_of.

    paid: (due date, paid_on) of its recently paid invoices, any order;
    overdue: its open balance past due at as_of; monthly: invoiced over the 365 days to
    as_of ÷ 12 (both in one currency); oldest_overdue_days: days past due of its oldest
    overdue invoice (0 when none).
    """

    paid: Sequence[tuple[date, date]] = ()
    disputes_open: int = 0
    disputes_recent: int = 0
    promises_broken: int = 0
    overdue: Decimal = ZERO
    monthly: Decimal = ZERO
    oldest_overdue_days: int = 0


@dataclass(frozen=True, slots=True)
class RiskScore:
    score: int
    level: str
    reasons: tuple[Reason, ...]


def level_of(score: int) -> str:
    if score >= HIGH_FROM:
        return HIGH
    return MEDIUM if score >= MEDIUM_FROM else LOW


def _days_late(due: date, paid_on: date) -> int:
    return max(0, (paid_on - due).days)


def _lateness_trend(paid: Sequence[tuple[date, date]]) -> Reason | None:
    if len(paid) < TREND_MIN_PAID:
        return None
    newest_first = sorted(paid, key=lambda p: (p[1], p[0]), reverse=True)
    half = len(newest_first) // 2
    recent = [_days_late(*p) for p in newest_first[:half]]
    before = [_days_late(*p) for p in newest_first[half:]]
    recent_mean, before_mean = sum(recent) // len(recent), sum(before) // len(before)
    rise = recent_mean - before_mean
    if rise < 10:
        return None
    values = {"recent": recent_mean, "before": before_mean}
    return Reason("lateness_rising", values, 25 if rise >= 30 else 15)


def _paid_late(paid: Sequence[tuple[date, date]]) -> Reason | None:
    if len(paid) < ON_TIME_MIN_PAID:
        return None
    on_time = sum(1 for due, paid_on in paid if paid_on <= due)
    share = on_time * 100 // len(paid)
    if share >= 80:
        return None
    return Reason("paid_late", {"on_time": share, "paid": len(paid)}, 20 if share < 50 else 10)


def _counted(code: str, count: int, each: int, cap: int) -> Reason | None:
    if count <= 0:
        return None
    return Reason(code, {"count": count}, min(count * each, cap))


def _overdue_vs_habit(b: Behaviour) -> Reason | None:
    if b.overdue <= ZERO or b.overdue <= b.monthly:
        return None
    points = 20 if b.monthly <= ZERO or b.overdue > 3 * b.monthly else 10
    return Reason("overdue_vs_habit", {"overdue": b.overdue, "monthly": b.monthly}, points)


def _oldest_overdue(days: int) -> Reason | None:
    for limit, points in ((90, 20), (60, 10), (30, 5)):
        if days > limit:
            return Reason("oldest_overdue", {"days": days}, points)
    return None


def score(behaviour: Behaviour) -> RiskScore:
    """The score, level and reasons of one customer (points table in the module doc)."""
    b = behaviour
    found = (
        _lateness_trend(b.paid),
        _paid_late(b.paid),
        _counted("dispute_open", b.disputes_open, 10, 20),
        _counted("disputes_recent", b.disputes_recent, 5, 10),
        _counted("promises_broken", b.promises_broken, 10, 20),
        _overdue_vs_habit(b),
        _oldest_overdue(b.oldest_overdue_days),
    )
    reasons = tuple(r for r in found if r is not None)
    total = min(MAX_SCORE, sum(r.points for r in reasons))
    return RiskScore(score=total, level=level_of(total), reasons=reasons)
