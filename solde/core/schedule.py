"""When a recurring invoice falls due: pure dates, no Django.

A schedule bills every 1, 3 or 12 months (monthly, quarterly, yearly) on a day of the
month, 1 to 31. A month without that day uses its last day instead: the 31st gives
28 (or 29) February and 30 April, and the next month is back on the 31st, because every
occurrence is worked out from the first one, never from the one before it.

The first occurrence is the first such day on or after the start date; the next ones
follow every 1, 3 or 12 months, up to and including the end date, if there is one.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from solde.core.errors import ValidationError

MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
FREQUENCIES = tuple(MONTHS)


def on_day(year: int, month: int, day: int) -> date:
    """The given day of the month, or the month's last day when it has fewer days."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def add_months(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class Schedule:
    frequency: str
    day: int
    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.frequency not in MONTHS:
            raise ValidationError(
                f"Unknown frequency {self.frequency!r} (monthly, quarterly or yearly).",
                field="frequency",
            )
        if not 1 <= self.day <= 31:
            raise ValidationError("The day of the month is between 1 and 31.", field="day_of_month")
        if self.end is not None and self.end < self.start:
            raise ValidationError("The end date comes before the start date.", field="end_date")

    @property
    def step(self) -> int:
        return MONTHS[self.frequency]

    def _first_month(self) -> tuple[int, int]:
        year, month = self.start.year, self.start.month
        if on_day(year, month, self.day) < self.start:
            year, month = add_months(year, month, 1)
        return year, month

    def nth(self, index: int) -> date:
        """The occurrence number `index` (0 is the first), whatever the end date."""
        year, month = add_months(*self._first_month(), index * self.step)
        return on_day(year, month, self.day)


def occurrences(schedule: Schedule, *, until: date | None = None) -> Iterator[date]:
    """The occurrence dates from the start, in order, up to the end date and `until`
    (both included); without either, it never stops."""
    limits = [d for d in (schedule.end, until) if d is not None]
    last = min(limits) if limits else None
    index = 0
    while True:
        day = schedule.nth(index)
        if last is not None and day > last:
            return
        yield day
        index += 1


def first_on_or_after(schedule: Schedule, day: date) -> date | None:
    """The first occurrence on or after `day`, or None when the schedule has ended."""
    first = schedule.nth(0)
    # Jump close to `day` instead of walking from the start, then step forward.
    behind = (day.year - first.year) * 12 + (day.month - first.month)
    index = max(0, behind // schedule.step - 1)
    while schedule.nth(index) < day:
        index += 1
    found = schedule.nth(index)
    if schedule.end is not None and found > schedule.end:
        return None
    return found


def next_after(schedule: Schedule, day: date) -> date | None:
    """The first occurrence strictly after `day`, or None when the schedule has ended."""
    return first_on_or_after(schedule, day + timedelta(days=1))


def period_months(schedule: Schedule, occurrence: date) -> tuple[date, date]:
    """The months an occurrence bills, in advance: the first day of its own month and of
    the last month before the next occurrence (the same month when monthly)."""
    last = add_months(occurrence.year, occurrence.month, schedule.step - 1)
    return date(occurrence.year, occurrence.month, 1), date(*last, 1)
