"""A customer statement's arithmetic, in plain Python.

A customer's balance at the end of a day D is the sum of the entries in force at D.
An entry (an invoice, a credit note, a payment, a write-off) moves the balance by a
signed amount from its date until the day it is undone, exclusive, as
`balances.Settlement` does: a cancelled payment or an undone write-off stops counting
that day. So over a period [start, end] an entry shows as up to two movements, its
own on its date and its reversal on the day it was undone, and

    balance(start − 1) + Σ movements in [start, end] = balance(end).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from solde.core.money import ZERO

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Entry(Generic[T]):
    """What moves a balance while in force: `amount` > 0 the customer owes more.

    `rank` orders entries within a day (invoices before what settles them);
    `source` is whatever the caller needs to describe the entry.
    """

    date: date
    amount: Decimal
    source: T
    until: date | None = None
    rank: int = 0

    def active_on(self, day: date) -> bool:
        return self.date <= day and (self.until is None or self.until > day)

    @property
    def ever_active(self) -> bool:
        """An entry undone on its own date never counted, on any day."""
        return self.until is None or self.until > self.date


@dataclass(frozen=True, slots=True)
class Movement(Generic[T]):
    """One line of a statement: an entry on its date, or its reversal when undone."""

    date: date
    amount: Decimal
    source: T
    reversal: bool = False

    @property
    def debit(self) -> Decimal:
        return self.amount if self.amount > ZERO else ZERO

    @property
    def credit(self) -> Decimal:
        return -self.amount if self.amount < ZERO else ZERO


@dataclass(frozen=True, slots=True)
class Line(Generic[T]):
    movement: Movement[T]
    balance: Decimal  # after the movement


def balance_at(entries: Iterable[Entry], day: date) -> Decimal:
    """The reference balance at the end of `day`, against which statements are checked."""
    return sum((e.amount for e in entries if e.active_on(day)), ZERO)


def movements_in(entries: Sequence[Entry[T]], start: date, end: date) -> list[Movement[T]]:
    """The movements dated inside [start, end], by date, then rank, reversals last.

    The sort is stable, so entries of the same day and rank keep the caller's order.
    """
    found: list[tuple[tuple, Movement[T]]] = []
    for position, entry in enumerate(entries):
        if not entry.ever_active:
            continue
        if start <= entry.date <= end:
            key = (entry.date, 0, entry.rank, position)
            found.append((key, Movement(entry.date, entry.amount, entry.source)))
        if entry.until is not None and start <= entry.until <= end:
            key = (entry.until, 1, entry.rank, position)
            found.append((key, Movement(entry.until, -entry.amount, entry.source, True)))
    return [movement for _, movement in sorted(found, key=lambda pair: pair[0])]


def running(opening: Decimal, movements: Iterable[Movement[T]]) -> list[Line[T]]:
    """Each movement with the balance after it, starting from `opening`."""
    lines, balance = [], opening
    for movement in movements:
        balance += movement.amount
        lines.append(Line(movement, balance))
    return lines


def closing(opening: Decimal, lines: Sequence[Line]) -> Decimal:
    return lines[-1].balance if lines else opening


def days_overdue(due_date: date | None, day: date) -> int:
    """Whole days past the due date at `day`; 0 when not yet due or without a due date."""
    if due_date is None:
        return 0
    return max(0, (day - due_date).days)
