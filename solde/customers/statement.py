"""The customer statement (relevé de compte): what a customer owed at the start of a
period, every movement dated inside it with the balance after each, what it owes at
the end and which invoices are still open.

The movements are the terms of the as-of balance in `payments.queries`: invoices and
deposits (debit), credit notes, payments and write-offs (credit). Allocating a payment
or a credit note to an invoice moves money between two of the customer's items and
leaves the balance as it is, so it is no movement; the payment itself is one, whatever
part of it is still unallocated customer credit. A cancelled payment or an undone
write-off stops counting the day it was undone (`undone_on`, `cancelled_on`), so it
shows again on that day as a reversal. Hence the statement's closing balance is the
as-of balance at its end, which the tests check.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from solde.companies.models import Company
from solde.core import clock
from solde.core import statements as core
from solde.core.errors import NotFound, ValidationError
from solde.core.money import ZERO, quantize
from solde.customers.models import Customer
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation, Payment
from solde.payments.queries import customer_balance, invoices_as_of

# Within a day: what is owed first, then what settles it.
_RANK = {"invoice": 0, "deposit": 0, "credit_note": 1, "payment": 2, "write_off": 3}


@dataclass(frozen=True)
class Source:
    """What a movement comes from, as the statement describes it."""

    kind: str  # invoice | deposit | credit_note | payment | write_off
    date: date  # the document's, payment's or write-off's own date
    reference: str = ""  # document number; for a payment, its bank reference
    due_date: date | None = None
    invoices: tuple[str, ...] = ()  # what a credit note corrects, a payment settles at the end
    method: str = ""  # payments
    unallocated: Decimal | None = None  # payments: still customer credit at the end
    reason: str = ""  # write-offs
    bad_debt: bool = False  # write-offs
    undo_reason: str = ""  # why a payment was cancelled or a write-off undone


@dataclass(frozen=True)
class StatementLine:
    date: date
    source: Source
    reversal: bool  # a cancelled payment or an undone write-off, on the day it was undone
    debit: Decimal
    credit: Decimal
    balance: Decimal  # after this line


@dataclass(frozen=True)
class OpenItem:
    """An invoice or deposit with something left to pay at the end of the period."""

    number: str
    kind: str
    issue_date: date
    due_date: date | None
    days_overdue: int
    total: Decimal
    balance: Decimal


@dataclass(frozen=True)
class StatementSection:
    """The statement in one currency."""

    currency: str
    opening: Decimal  # at the end of the day before the period
    lines: tuple[StatementLine, ...]
    closing: Decimal  # at the end of the period's last day
    open_items: tuple[OpenItem, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.opening or self.lines or self.open_items)

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    @property
    def open_total(self) -> Decimal:
        return sum((item.balance for item in self.open_items), ZERO)

    @property
    def available_credit(self) -> Decimal:
        """Unallocated payments and unapplied credit notes: open items less the balance."""
        return self.open_total - self.closing


@dataclass(frozen=True)
class Statement:
    company: Company
    customer: Customer
    start: date
    end: date
    made_on: date
    sections: tuple[StatementSection, ...]  # one per currency, sorted

    @property
    def currencies(self) -> list[str]:
        return [section.currency for section in self.sections]

    def section(self, currency: str) -> StatementSection:
        for section in self.sections:
            if section.currency == currency:
                return section
        raise KeyError(currency)


def customer_statement(
    *, company: Company, customer: Customer, start: date | None = None, end: date | None = None
) -> Statement:
    """The statement of `customer` over [start, end]; by default from 1 January of the
    end's year to today. A currency with nothing owed and nothing moving is left out."""
    if customer.company_id != company.pk:
        raise NotFound(f"No customer {customer.code!r}.", field="customer")
    start, end = _period(start, end)
    opening = customer_balance(company, customer.pk, start - timedelta(days=1))
    entries = _entries(company, customer, start, end)
    open_items = _open_items(company, customer, end)
    currencies = sorted(set(opening) | set(entries) | set(open_items)) or [company.currency]
    sections = tuple(
        _section(
            currency,
            opening[currency].balance if currency in opening else ZERO,
            entries.get(currency, []),
            open_items.get(currency, []),
            start,
            end,
        )
        for currency in currencies
    )
    kept = tuple(s for s in sections if not s.is_empty) or sections[:1]
    return Statement(company, customer, start, end, clock.today(), kept)


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    end = end or clock.today()
    start = start or date(end.year, 1, 1)
    if start > end:
        raise ValidationError(f"The period starts ({start}) after it ends ({end}).", field="start")
    return start, end


def _section(currency, opening, entries, open_items, start, end) -> StatementSection:
    opening = quantize(opening, currency)
    lines = core.running(opening, core.movements_in(entries, start, end))
    return StatementSection(
        currency=currency,
        opening=opening,
        lines=tuple(
            StatementLine(
                date=line.movement.date,
                source=line.movement.source,
                reversal=line.movement.reversal,
                debit=line.movement.debit,
                credit=line.movement.credit,
                balance=line.balance,
            )
            for line in lines
        ),
        closing=core.closing(opening, lines),
        open_items=tuple(open_items),
    )


# -- entries: what moves the balance, per currency ------------------------------------------


def _entries(company, customer, start: date, end: date) -> dict[str, list[core.Entry]]:
    """Everything that may show inside the period: entries dated in it, and entries
    dated before it but undone in it (their reversal is a movement of the period)."""
    found: dict[str, list[core.Entry]] = defaultdict(list)
    for currency, entry in (
        *_document_entries(company, customer, start, end),
        *_payment_entries(company, customer, start, end),
        *_write_off_entries(company, customer, start, end),
    ):
        found[currency].append(entry)
    return dict(found)


def _entry(currency: str, amount: Decimal, source: Source, until: date | None = None):
    entry = core.Entry(
        date=source.date,
        amount=quantize(amount, currency),
        source=source,
        until=until,
        rank=_RANK[source.kind],
    )
    return currency, entry


def _document_entries(company, customer, start, end):
    rows = (
        Invoice.objects.for_company(company)
        .issued()
        .filter(customer=customer, issue_date__range=(start, end))
        .select_related("corrects")
        .order_by("issue_date", "number")
    )
    for doc in rows:
        credit_note = doc.kind == Invoice.CREDIT_NOTE
        source = Source(
            kind=doc.kind,
            date=doc.issue_date,
            reference=doc.number,
            due_date=None if credit_note else doc.due_date,
            invoices=(doc.corrects.number,) if doc.corrects_id else (),
        )
        yield _entry(doc.currency, -doc.total if credit_note else doc.total, source)


def _payment_entries(company, customer, start, end):
    rows = list(
        Payment.objects.for_company(company)
        .filter(customer=customer, date__lte=end)
        .filter(Q(date__gte=start) | Q(cancelled_on__gte=start))
        .order_by("date", "id")
    )
    settled = _settled_by_payments(rows, end)
    for payment in rows:
        counts_at_end = payment.cancelled_on is None or payment.cancelled_on > end
        used = sum((amount for _, amount in settled[payment.pk]), ZERO)
        source = Source(
            kind="payment",
            date=payment.date,
            reference=payment.reference,
            method=payment.method,
            invoices=tuple(number for number, _ in settled[payment.pk]),
            unallocated=quantize(payment.amount - used, payment.currency)
            if counts_at_end
            else None,
            undo_reason=payment.cancel_reason,
        )
        yield _entry(payment.currency, -payment.amount, source, payment.cancelled_on)


def _settled_by_payments(payments, end: date) -> dict[int, list[tuple[str, Decimal]]]:
    """The invoices each payment settles at the end of the period, with the amounts."""
    settled: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    rows = (
        Allocation.objects.filter(payment__in=[p.pk for p in payments])
        .active_on(end)
        .select_related("invoice")
        .order_by("date", "id")
    )
    for allocation in rows:
        settled[allocation.payment_id].append((allocation.invoice.number, allocation.amount))
    return settled


def _write_off_entries(company, customer, start, end):
    rows = (
        Allocation.objects.for_company(company)
        .filter(customer=customer, kind=Allocation.WRITE_OFF, date__lte=end)
        .filter(Q(date__gte=start) | Q(undone_on__gte=start))
        .select_related("invoice")
        .order_by("date", "id")
    )
    for allocation in rows:
        source = Source(
            kind="write_off",
            date=allocation.date,
            reference=allocation.invoice.number,
            reason=allocation.reason,
            bad_debt=allocation.bad_debt,
            undo_reason=allocation.undo_reason,
        )
        yield _entry(allocation.currency, -allocation.amount, source, allocation.undone_on)


# -- open items -----------------------------------------------------------------------------


def _open_items(company, customer, end: date) -> dict[str, list[OpenItem]]:
    """Invoices and deposits with a balance left at the end, from the as-of machinery."""
    rows = (
        invoices_as_of(company, end)
        .filter(customer=customer, balance_as_of__gt=0)
        .order_by("issue_date", "number")
    )
    items: dict[str, list[OpenItem]] = defaultdict(list)
    for invoice in rows:
        items[invoice.currency].append(
            OpenItem(
                number=invoice.number,
                kind=invoice.kind,
                issue_date=invoice.issue_date,
                due_date=invoice.due_date,
                days_overdue=core.days_overdue(invoice.due_date, end),
                total=quantize(invoice.total, invoice.currency),
                balance=quantize(invoice.balance_as_of, invoice.currency),
            )
        )
    return dict(items)
