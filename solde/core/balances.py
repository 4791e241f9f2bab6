"""What a balance is, in plain Python: the reference the database queries must agree with.

balance(invoice, D) = total − Σ settlements active at the end of D, where a settlement
(payment allocation, credit note applied, write-off) is active from its date until the
day it is undone (exclusive of that day).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from solde.core.money import ZERO

K = TypeVar("K", bound=Hashable)

PAYMENT, CREDIT_NOTE, WRITE_OFF = "payment", "credit_note", "write_off"


@dataclass(frozen=True, slots=True)
class Settlement:
    amount: Decimal
    date: date
    kind: str = PAYMENT
    undone_on: date | None = None
    bad_debt: bool = False

    def active_on(self, day: date) -> bool:
        return self.date <= day and (self.undone_on is None or self.undone_on > day)


def settled(settlements: Iterable[Settlement], day: date) -> Decimal:
    return sum((s.amount for s in settlements if s.active_on(day)), ZERO)


def balance_at(total: Decimal, settlements: Iterable[Settlement], day: date) -> Decimal:
    return total - settled(settlements, day)


def payment_status(total: Decimal, settlements: Sequence[Settlement], day: date) -> str:
    """open | partially_paid | paid | written_off | cancelled, as of `day`."""
    active = [s for s in settlements if s.active_on(day)]
    balance = total - sum((s.amount for s in active), ZERO)
    if balance == total:
        return "open"
    if balance != ZERO:
        return "partially_paid"
    if sum((s.amount for s in active if s.kind == CREDIT_NOTE), ZERO) == total:
        return "cancelled"
    if any(s.kind == WRITE_OFF and s.bad_debt for s in active):
        return "written_off"
    return "paid"


def spread(
    amount: Decimal, open_items: Sequence[tuple[K, Decimal]]
) -> tuple[list[tuple[K, Decimal]], Decimal]:
    """Share `amount` over open items in the order given, each up to its balance.

    Returns the (item, amount) pairs with a non-zero share and what is left over,
    which becomes customer credit.
    """
    shares: list[tuple[K, Decimal]] = []
    left = amount
    for key, balance in open_items:
        if left <= ZERO:
            break
        share = min(left, balance)
        if share > ZERO:
            shares.append((key, share))
            left -= share
    return shares, left
