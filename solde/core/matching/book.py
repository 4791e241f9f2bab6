"""The open invoices as the matcher keeps them during a run, with their indexes.

Balances change as `apply` settles invoices; every index follows, and an invoice paid in
full leaves them all, so the next line cannot pay it again. Lookups by amount are dict
hits or bisections over one customer's balances, never scans of all invoices.
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from solde.core.matching.amounts import discount
from solde.core.matching.records import OpenInvoice
from solde.core.matching.references import ReferenceIndex
from solde.core.money import ZERO


class OpenBook:
    def __init__(self, invoices: Iterable[OpenInvoice], discount_percent: Decimal):
        self.percent = discount_percent
        self.invoices: dict[int, OpenInvoice] = {}
        self.balance: dict[int, Decimal] = {}
        self.refs = ReferenceIndex(self.balance)
        self._discounted: dict[int, Decimal] = {}  # the discounted balance it is indexed by
        self.by_customer: dict[int, dict[int, None]] = {}  # open ids, oldest first
        # id -> None dicts: ordered like lists, removed from in constant time
        self.by_amount: dict[tuple[str, Decimal], dict[int, None]] = {}
        self._amounts: dict[int, dict[Decimal, dict[int, None]]] = {}  # per customer
        self._sorted: dict[int, list[tuple[Decimal, int]]] = {}  # per customer, by balance
        for invoice in sorted(invoices, key=lambda i: (i.issue_date, i.id)):
            if invoice.balance <= ZERO or invoice.id in self.invoices:
                continue
            self.invoices[invoice.id] = invoice
            self.balance[invoice.id] = invoice.balance
            self.refs.add(invoice.id, invoice.number, invoice.issue_date.year)
            mine = self.by_customer.get(invoice.customer_id)
            if mine is None:
                self.by_customer[invoice.customer_id] = {invoice.id: None}
            else:
                mine[invoice.id] = None
            self._index(invoice.id, invoice.balance, build=True)
        for balances in self._sorted.values():
            balances.sort()

    def _index(self, invoice_id: int, balance: Decimal, build: bool = False) -> None:
        """Index an open invoice by its balance (globally and per customer) and, with an
        early-payment discount, by its discounted balance (per customer: found for a known
        payer); `build`: the customer's sorted balances are sorted once, at the end."""
        invoice = self.invoices[invoice_id]
        cid = invoice.customer_id
        amounts = self._amounts.get(cid)
        if amounts is None:
            amounts = self._amounts[cid] = {}
            self._sorted[cid] = []
        _put(self.by_amount, (invoice.currency, balance), invoice_id)
        _put(amounts, balance, invoice_id)
        if self.percent > ZERO:
            discounted = balance - discount(balance, self.percent, invoice.currency)
            _put(amounts, discounted, invoice_id)
            self._discounted[invoice_id] = discounted
        if build:
            self._sorted[cid].append((balance, invoice_id))
        else:
            insort(self._sorted[cid], (balance, invoice_id))

    def _unindex(self, invoice_id: int, balance: Decimal, still_open: bool) -> None:
        invoice = self.invoices[invoice_id]
        amounts = self._amounts[invoice.customer_id]
        _drop(self.by_amount, (invoice.currency, balance), invoice_id)
        _drop(amounts, balance, invoice_id)
        if invoice_id in self._discounted:
            _drop(amounts, self._discounted.pop(invoice_id), invoice_id)
        if still_open:  # a paid invoice may stay in the sorted balances: lookups skip it
            ordered = self._sorted[invoice.customer_id]
            del ordered[bisect_left(ordered, (balance, invoice_id))]

    def settle(self, invoice_id: int, cut: Decimal) -> None:
        old = self.balance[invoice_id]
        new = old - cut
        self._unindex(invoice_id, old, still_open=new > ZERO)
        if new > ZERO:
            self.balance[invoice_id] = new
            self._index(invoice_id, new)
            return
        del self.balance[invoice_id]  # the reference index reads this live
        del self.by_customer[self.invoices[invoice_id].customer_id][invoice_id]

    def eligible(self, invoice_id: int, currency: str, day: date) -> bool:
        """Open, in the credit's currency, and issued by the day of the payment."""
        invoice = self.invoices[invoice_id]
        return (
            invoice_id in self.balance
            and invoice.currency == currency
            and invoice.issue_date <= day
        )

    def with_amount(self, cid: int, amount: Decimal, currency: str, day: date, limit: int):
        """The customer's oldest open invoices (at most `limit`) whose balance, or discounted
        balance, is the amount."""
        found: list[int] = []
        invoices, balance = self.invoices, self.balance
        for i in self._amounts.get(cid, {}).get(amount, ()):
            invoice = invoices[i]
            if i in balance and invoice.currency == currency and invoice.issue_date <= day:
                found.append(i)
                if len(found) >= limit:
                    break
        return found

    def above(self, cid: int, amount: Decimal, margin: Decimal, currency: str, day: date):
        """The customer's open invoices whose balance is above the amount by at most margin."""
        balances = self._sorted.get(cid, [])
        low = bisect_right(balances, (amount, sys.maxsize))
        found = []
        for balance, invoice_id in balances[low:]:
            if balance - amount > margin:
                break
            if self.eligible(invoice_id, currency, day):
                found.append(invoice_id)
        return sorted(found, key=self.age)

    def items(self, cid: int, currency: str, day: date, limit: int) -> list[tuple[int, Decimal]]:
        """The customer's oldest eligible open invoices (at most `limit`), with balances."""
        found = []
        invoices, balance = self.invoices, self.balance
        for i in self.by_customer.get(cid, ()):
            invoice = invoices[i]
            if invoice.currency == currency and invoice.issue_date <= day:
                found.append((i, balance[i]))
                if len(found) >= limit:
                    break
        return found

    def oldest_until(self, cid: int, amount: Decimal, currency: str, day: date, limit: int):
        """The customer's oldest eligible invoices until their balances reach the amount (at
        most `limit` of them), their total, and whether they are all its open invoices."""
        found, total = [], ZERO
        invoices, balance = self.invoices, self.balance
        for i in self.by_customer.get(cid, ()):  # open ones only
            invoice = invoices[i]
            if invoice.currency == currency and invoice.issue_date <= day:
                if total >= amount or len(found) >= limit:
                    return found, total, False
                found.append((i, balance[i]))
                total += balance[i]
        return found, total, True

    def age(self, invoice_id: int) -> tuple[date, int]:
        invoice = self.invoices[invoice_id]
        return invoice.issue_date, invoice_id


def _put(table: dict, key, invoice_id: int) -> None:
    ids = table.get(key)
    if ids is None:
        table[key] = {invoice_id: None}
    else:
        ids[invoice_id] = None


def _drop(table: dict, key, invoice_id: int) -> None:
    ids = table.get(key)
    if ids and invoice_id in ids:
        del ids[invoice_id]
        if not ids:
            del table[key]
