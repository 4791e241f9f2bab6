"""How an amount covers open invoices: exactly, as a sum, in part, short by fees or by the
early-payment discount, or with an excess that becomes customer credit.

Invoices come as (id, balance) pairs, oldest first; every allocation is at most the
invoice's balance, and allocations + excess always equal the amount received.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import NamedTuple

from solde.core.balances import spread
from solde.core.money import ZERO, currency_decimals

Item = tuple[int, Decimal]  # (invoice id, balance)
MAX_POOL = 25  # invoices searched for combinations: the oldest ones
MAX_OLDEST = 50  # oldest invoices paid at once without reference: more is not a payment habit
MAX_PARTS = 4  # invoices in one combination
MAX_SUBSETS = 6  # stop searching when this many subsets fit


class Fit(NamedTuple):
    code: str  # amount_exact | amount_sum | amount_fee | amount_discount | amount_partial | …
    allocations: tuple[Item, ...]
    excess: Decimal = ZERO
    write_off: tuple[Item, ...] = ()


@cache
def _minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-currency_decimals(currency))


def discount(balance: Decimal, percent: Decimal, currency: str) -> Decimal:
    """The early-payment discount on a balance, in the currency's minor unit, half up
    (as money.quantize, with the unit kept: this runs for every open invoice)."""
    return (balance * percent / 100).quantize(_minor_unit(currency), rounding=ROUND_HALF_UP)


def cover(amount: Decimal, items: Sequence[Item], tolerance: Decimal, percent: Decimal,
          currency: str = "EUR") -> Fit:  # fmt: skip
    """The amount paid for exactly these invoices (named in the text, or one found)."""
    owed = sum((b for _, b in items), ZERO)
    if amount == owed:
        return Fit("amount_exact" if len(items) == 1 else "amount_sum", tuple(items))
    if amount > owed:
        return Fit("amount_excess", tuple(items), excess=amount - owed)
    short = _short(amount, items, owed, tolerance, percent, currency)
    if short is not None:
        return short
    shares, _ = spread(amount, items)
    return Fit("amount_partial", tuple(shares))


def short_fit(amount: Decimal, items: Sequence[Item], tolerance: Decimal, percent: Decimal,
              currency: str = "EUR") -> Fit | None:  # fmt: skip
    """Exactly these invoices, paid short by fees or by the discount; else None."""
    owed = sum((b for _, b in items), ZERO)
    if amount >= owed:
        return None
    return _short(amount, items, owed, tolerance, percent, currency)


def _short(amount, items, owed, tolerance, percent, currency) -> Fit | None:
    gap = owed - amount
    if gap <= tolerance:
        return _fee(items, gap)
    if percent > ZERO:
        discounts = [discount(b, percent, currency) for _, b in items]
        if abs(sum(discounts, ZERO) - gap) <= Decimal("0.01") * len(items):
            discounts[-1] += gap - sum(discounts, ZERO)
            if ZERO <= discounts[-1] < items[-1][1]:
                allocations = tuple((i, b - d) for (i, b), d in zip(items, discounts, strict=True))
                write_off = tuple((i, d) for (i, _), d in zip(items, discounts, strict=True) if d)
                return Fit("amount_discount", allocations, write_off=write_off)
    return None


def _fee(items: Sequence[Item], gap: Decimal) -> Fit | None:
    """Balances in full, the gap written off on the newest invoices."""
    allocations, write_off = [], []
    left = gap
    for invoice_id, balance in reversed(items):
        cut = min(left, balance)
        left -= cut
        if balance - cut > ZERO:
            allocations.append((invoice_id, balance - cut))
        if cut > ZERO:
            write_off.append((invoice_id, cut))
    if not allocations:
        return None
    return Fit("amount_fee", tuple(reversed(allocations)), write_off=tuple(reversed(write_off)))


def spread_fit(amount: Decimal, items: Sequence[Item]) -> Fit:
    """The amount over the customer's open invoices, oldest first; the rest as credit."""
    shares, left = spread(amount, items)
    return Fit("amount_excess" if left > ZERO else "amount_partial", tuple(shares), excess=left)


def prefix(amount: Decimal, oldest: Sequence[Item], total: Decimal, complete: bool) -> list:
    """The oldest invoices (two or more, `total` their balances) if they add up to the
    amount: "all" of them when they are every open invoice of the customer, else "oldest"."""
    if len(oldest) < 2 or total != amount:
        return []
    return [("all" if complete else "oldest", tuple(oldest))]


def subsets(amount: Decimal, pool: Sequence[Item], known: Sequence[tuple] = ()) -> list:
    """Combinations of two to four invoices among `pool` (the oldest MAX_POOL) whose
    balances add up to the amount, as ("combination", invoices), leaving out the groups
    already `known`. Bounded: a few hundred sums at most."""
    found: list[tuple[str, tuple[Item, ...]]] = []
    if len(pool) < 2:
        return found
    seen = {tuple(i for i, _ in group) for _, group in known}
    for group in _combinations(amount, pool[:MAX_POOL]):
        ids = tuple(i for i, _ in group)
        if ids not in seen:
            seen.add(ids)
            found.append(("combination", group))
        if len(found) + len(known) >= MAX_SUBSETS:
            break
    return found


def _combinations(amount: Decimal, pool: Sequence[Item]) -> list[tuple[Item, ...]]:
    """Pairs, triples and quadruples summing to the amount, by meeting in the middle
    (in integer minor units: the same sums, faster)."""
    places = max(2, -min(b.as_tuple().exponent for _, b in pool), -amount.as_tuple().exponent)
    values = [int(b.scaleb(places)) for _, b in pool]
    target = int(amount.scaleb(places))
    n = len(values)
    pairs: dict[int, list[tuple[int, int]]] = {}
    for a in range(n):
        va = values[a]
        if va >= target:
            continue
        for b in range(a + 1, n):
            total = va + values[b]
            if total <= target:
                pairs.setdefault(total, []).append((a, b))
    groups: set[tuple[int, ...]] = set(pairs.get(target, ()))
    for c in range(n):
        for a, b in pairs.get(target - values[c], ()):
            if c not in (a, b):
                groups.add(tuple(sorted((a, b, c))))
        if len(groups) >= MAX_SUBSETS:
            break
    if len(groups) < MAX_SUBSETS and MAX_PARTS >= 4:
        for total, first in pairs.items():
            rest = pairs.get(target - total)
            if not rest:
                continue
            for a, b in first:
                for c, d in rest:
                    if b < c:
                        groups.add((a, b, c, d))
            if len(groups) >= MAX_SUBSETS:
                break
    return [tuple(pool[k] for k in group) for group in sorted(groups)[:MAX_SUBSETS]]
