"""Balances at any date, computed by the database from allocations (never from caches).

For a customer at the end of day D, per currency:
  receivable = Σ totals of invoices and deposits issued by D − Σ allocations active at D
  credit     = Σ payments dated by D (not cancelled by D) − their allocations active at D
             + Σ credit notes issued by D − their applications active at D
  balance    = receivable − credit
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce

from solde.companies.models import Company
from solde.companies.queries import by_ref
from solde.core.money import ZERO, quantize
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation, Payment

_AMOUNT = DecimalField(max_digits=18, decimal_places=3)


def _active_on(day: date) -> Q:
    return Q(date__lte=day) & (Q(undone_on__isnull=True) | Q(undone_on__gt=day))


def settled_subquery(day: date) -> Coalesce:
    """Σ of an invoice's allocations active at the end of `day`, for annotations."""
    sums = (
        Allocation.objects.filter(invoice=OuterRef("pk"))
        .filter(_active_on(day))
        .order_by()
        .values("invoice")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return Coalesce(Subquery(sums, output_field=_AMOUNT), Value(ZERO), output_field=_AMOUNT)


def balance_on(day: date) -> CombinedExpression:
    """An invoice's balance at the end of `day`, for annotations: its total less its
    allocations active then (read through the `(invoice, date)` index)."""
    return F("total") - settled_subquery(day)


def maybe_open_on(company: Company, day: date, through: str = "") -> Q:
    """Invoices whose balance at the end of `day` may differ from zero, as a condition
    on invoices (`through=""`) or on rows pointing to them (`through="invoice"`).

    Every other invoice was paid in full by `day` and its balance then is exactly zero:
    its cached `paid_on` (the date of its last allocation in force, once nothing is left)
    is on or before `day`, so every allocation in force now was in force at `day`, and
    none of its allocations in force at `day` was undone since (those are the invoices
    kept by the last term). Reports skip them: most of a company's invoices are paid,
    and only the others need their allocations added up. `payments.checks.check_caches`
    rebuilds and compares `paid_on` like the balance.
    """
    unpaid = (
        Invoice.objects.for_company(company)
        .filter(Q(paid_on__isnull=True) | Q(paid_on__gt=day))
        .order_by()
        .values("pk")
    )
    undone_since = (
        Allocation.objects.for_company(company)
        .filter(undone_on__gt=day)
        .order_by()
        .values("invoice_id")
    )
    key = f"{through}_id" if through else "pk"
    if connection.vendor == "postgresql":
        # The invoice's own columns (a bitmap of the paid_on index, or a sequential scan
        # at a past date) or the few reopened ones, a hashed list. An id list of the
        # unpaid would be joined row by row, under an estimate of 200 rows.
        prefix = f"{through}__" if through else ""
        return (
            Q(**{f"{prefix}paid_on__isnull": True})
            | Q(**{f"{prefix}paid_on__gt": day})
            | Q(**{f"{key}__in": undone_since})
        )
    # One id list, read through the (company, paid_on) and the undone allocations'
    # indexes. The same test on the invoice's columns makes SQLite scan every invoice
    # issued; two lists joined by OR make PostgreSQL rescan the first for each invoice
    # once it outgrows work_mem (a past date: hundreds of thousands of ids).
    return Q(**{f"{key}__in": unpaid.union(undone_since, all=True)})


def invoices_as_of(company: Company, day: date) -> QuerySet[Invoice]:
    """Invoices and deposits issued by `day`, each annotated with `balance_as_of`."""
    return (
        Invoice.objects.for_company(company)
        .receivable()
        .filter(issue_date__lte=day)
        .annotate(settled_as_of=settled_subquery(day))
        .annotate(
            balance_as_of=Coalesce("total", Value(ZERO))
            - Coalesce("settled_as_of", Value(ZERO), output_field=_AMOUNT)
        )
    )


def invoice_balance(invoice: Invoice, day: date) -> Decimal:
    if invoice.is_draft or invoice.issue_date > day:
        return ZERO
    settled = (
        Allocation.objects.filter(invoice=invoice)
        .filter(_active_on(day))
        .aggregate(s=Sum("amount"))["s"]
    )
    return quantize(invoice.total - (settled or ZERO), invoice.currency)


@dataclass
class CustomerBalance:
    customer_id: int
    currency: str
    receivable: Decimal = ZERO
    credit: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.receivable - self.credit


@dataclass
class _Sums:
    rows: dict = field(default_factory=dict)

    def add(self, key, attr: str, amount) -> None:
        row = self.rows.setdefault(key, CustomerBalance(customer_id=key[0], currency=key[1]))
        setattr(row, attr, getattr(row, attr) + (amount or ZERO))


def _grouped(rows: QuerySet, amount: str = "amount") -> list[dict]:
    return list(rows.order_by().values("customer_id", "currency").annotate(s=Sum(amount)))


def customer_credits(company: Company, day: date) -> dict[int, Decimal]:
    """Each customer's credit at the end of `day` in the company's currency (payments
    not allocated, credit notes not applied): `customer_balances`' credit, from the
    caches and the few rows that moved since `day` rather than from every row.

    A payment's credit at `day` = what it has left now (its cached `unallocated`; all of
    it if it was cancelled after `day`) + its allocations in force now but dated after
    `day` − those in force at `day` but undone since; a credit note's the same from its
    cached balance. An allocation is never dated before its payment or credit note
    (payments.services), so the sources of those dated by `day` were there by `day`.
    5 queries, each reading only such rows through an index.
    """
    cur = company.currency
    credits: dict[int, Decimal] = {}

    def add(rows: QuerySet, amount: str, sign: int = 1) -> None:
        for r in rows.order_by().values("customer_id").annotate(s=Sum(amount)):
            credits[r["customer_id"]] = credits.get(r["customer_id"], ZERO) + sign * r["s"]

    def add_each(rows: QuerySet, amount: str) -> None:
        # Only documents with something left: few rows, read through the index on the
        # amount left (grouping by customer would make SQLite scan every payment in
        # customer order instead).
        for customer_id, left in rows.order_by().values_list("customer_id", amount):
            credits[customer_id] = credits.get(customer_id, ZERO) + left

    payments = Payment.objects.for_company(company).filter(currency=cur, date__lte=day)
    add_each(payments.filter(cancelled_on__isnull=True, unallocated__gt=0), "unallocated")
    add(payments.filter(cancelled_on__gt=day), "amount")
    notes = Invoice.objects.for_company(company).issued().filter(kind=Invoice.CREDIT_NOTE)
    add_each(notes.filter(currency=cur, issue_date__lte=day, balance__gt=0), "balance")
    used = Allocation.objects.for_company(company).filter(currency=cur)
    used = used.exclude(kind=Allocation.WRITE_OFF)
    from_before = Q(payment__date__lte=day) | Q(credit_note__issue_date__lte=day)
    # Both ends of the range, though the upper one holds every date: with only one,
    # SQLite guesses that a quarter of the rows match and reads them all in customer
    # order rather than the (company, date) index.
    since = used.filter(date__gt=day, date__lte=date.max, undone_on__isnull=True)
    add(since.filter(from_before), "amount")
    add(used.filter(undone_on__gt=day, date__lte=day), "amount", -1)
    return {c: quantize(v, cur) for c, v in credits.items() if v and c is not None}


def customer_balances(
    company: Company, day: date, customer_ids: list[int] | None = None
) -> list[CustomerBalance]:
    """Every customer's receivable, credit and balance at the end of `day` (5 queries)."""
    invoices = Invoice.objects.for_company(company).issued().filter(issue_date__lte=day)
    allocations = Allocation.objects.for_company(company).filter(_active_on(day))
    payments = (
        Payment.objects.for_company(company)
        .filter(date__lte=day)
        .filter(Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=day))
    )
    if customer_ids is not None:
        invoices = invoices.filter(customer_id__in=customer_ids)
        allocations = allocations.filter(customer_id__in=customer_ids)
        payments = payments.filter(customer_id__in=customer_ids)
    sums = _Sums()
    for r in _grouped(invoices.exclude(kind=Invoice.CREDIT_NOTE), "total"):
        sums.add((r["customer_id"], r["currency"]), "receivable", r["s"])
    for r in _grouped(allocations):
        sums.add((r["customer_id"], r["currency"]), "receivable", -(r["s"] or ZERO))
    for r in _grouped(payments):
        sums.add((r["customer_id"], r["currency"]), "credit", r["s"])
    for r in _grouped(invoices.filter(kind=Invoice.CREDIT_NOTE), "total"):
        sums.add((r["customer_id"], r["currency"]), "credit", r["s"])
    for r in _grouped(allocations.exclude(kind=Allocation.WRITE_OFF)):
        sums.add((r["customer_id"], r["currency"]), "credit", -(r["s"] or ZERO))
    result = []
    for row in sums.rows.values():
        row.receivable = quantize(row.receivable, row.currency)
        row.credit = quantize(row.credit, row.currency)
        result.append(row)
    return sorted(result, key=lambda r: (r.customer_id, r.currency))


def customer_balance(company: Company, customer_id: int, day: date) -> dict[str, CustomerBalance]:
    return {r.currency: r for r in customer_balances(company, day, [customer_id])}


def allocation_list(*, company: Company, include_undone: bool = True) -> QuerySet[Allocation]:
    rows = Allocation.objects.for_company(company).select_related(
        "invoice", "customer", "payment", "credit_note"
    )
    return rows if include_undone else rows.active()


def allocation_get(*, company: Company, ref: str) -> Allocation:
    return by_ref(allocation_list(company=company), ref, what="allocation")


def payment_list(*, company: Company) -> QuerySet[Payment]:
    return Payment.objects.for_company(company).select_related("customer")


def payment_get(*, company: Company, ref: str) -> Payment:
    return by_ref(payment_list(company=company), ref, what="payment")
