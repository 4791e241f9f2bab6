"""What the forecast and the risk score read: open invoices and payment history at a date.

Everything is "as of the end of `as_of`" in the sense of `queries.aging` (allocations
dated by then and not undone by then), in a fixed number of grouped queries:

- `open_items`: the invoices and deposits issued by as_of with an open balance then. Only
  the invoices that may be open then are read (`payments.queries.maybe_open_on`, through
  the `(company, paid_on)` index and the undone allocations' partial index; decision
  0005): every other one was paid in full by as_of. Each candidate's allocations active
  at as_of are added up by a correlated subquery on the `(invoice, date)` index, so no
  query joins every invoice with every allocation (a separate GROUP BY over the
  candidates' allocations was no faster on SQLite and joined every allocation with every
  invoice on PostgreSQL, where maybe_open_on tests the invoice's columns).
- `paid_history`: the invoices paid in full at as_of (what `core.balances.payment_status`
  calls "paid": settled, not wholly by credit notes, no bad debt written off) whose paid_on
  then (their last active allocation) falls in the `HISTORY_DAYS` before it, at most
  `HISTORY_COUNT` per customer, the most recently paid. The caches serve where they say
  the same as the allocations: an invoice none of whose allocations active at as_of has
  been undone since has the same active allocations now as then, so when its cached
  status is paid with a paid_on by as_of it was paid then, on that day (ranked by a
  ROW_NUMBER window, no join; a range on the `(company, paid_on)` index). The few
  invoices with a settlement undone since as_of (a range on the undone allocations'
  partial index) are rebuilt from their allocations by a GROUP BY.
- `open_disputes`: the ids of the invoices with a dispute open at as_of (opened by then,
  not resolved by then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from solde.companies.models import Company
from solde.core.forecast import HISTORY_COUNT, OpenItem, PaidRecord, recent_history
from solde.core.money import ZERO, quantize
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation
from solde.payments.queries import maybe_open_on, settled_subquery
from solde.reminders.models import Dispute

HISTORY_DAYS = 365
_AMOUNT = DecimalField(max_digits=18, decimal_places=3)


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An invoice open at as_of, with what the forecast and the risk score need."""

    id: int
    customer_id: int
    currency: str
    due_date: date
    balance: Decimal
    disputed: bool

    def item(self) -> OpenItem:
        return OpenItem(
            id=self.id,
            customer=self.customer_id,
            due_date=self.due_date,
            balance=self.balance,
            disputed=self.disputed,
        )


def _active(as_of: date, prefix: str = "allocations__") -> Q:
    undone = Q(**{f"{prefix}undone_on__isnull": True}) | Q(**{f"{prefix}undone_on__gt": as_of})
    return Q(**{f"{prefix}date__lte": as_of}) & undone


def _issued_by(company: Company, as_of: date, customer_ids) -> QuerySet:
    rows = (
        Invoice.objects.for_company(company)
        .receivable()
        .filter(issue_date__lte=as_of)
        .annotate(due=Coalesce("due_date", "issue_date"))
    )
    if customer_ids is not None:
        rows = rows.filter(customer_id__in=customer_ids)
    return rows.order_by()


def open_disputes(company: Company, as_of: date, customer_ids=None) -> set[int]:
    rows = Dispute.objects.for_company(company).filter(opened_on__lte=as_of)
    rows = rows.filter(Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of))
    if customer_ids is not None:
        rows = rows.filter(invoice__customer_id__in=customer_ids)
    return set(rows.order_by().values_list("invoice_id", flat=True))


def open_items(company: Company, as_of: date, customer_ids=None) -> list[OpenInvoice]:
    """Invoices open at the end of as_of, every currency, sorted by id (2 queries)."""
    disputed = open_disputes(company, as_of, customer_ids)
    # Only the invoices that may be open (maybe_open_on: read through the paid_on and the
    # undone allocations' indexes), each with its own allocations added up through the
    # (invoice, date) index: no join of every invoice with every allocation.
    rows = (
        _issued_by(company, as_of, customer_ids)
        .filter(maybe_open_on(company, as_of))
        .annotate(settled=settled_subquery(as_of))
        .values_list("pk", "customer_id", "currency", "due", "total", "settled")
    )
    found = []
    # Sorted here: ORDER BY id makes PostgreSQL walk the primary key over every invoice.
    # What is left is worked out in Decimal: SQLite subtracts its float sums (0.7 + 0.1 of
    # 0.80 left 1e-16), which listed invoices settled then as open with 0.00.
    for pk, customer_id, currency, due, total, settled in sorted(rows):
        left = total - settled
        if left > ZERO:
            found.append(
                OpenInvoice(
                    id=pk,
                    customer_id=customer_id,
                    currency=currency,
                    due_date=due,
                    balance=quantize(left, currency),
                    disputed=pk in disputed,
                )
            )
    return found


def _ranked(rows: QuerySet, count: int) -> QuerySet:
    """The `count` rows most recently paid per customer (a ROW_NUMBER window)."""
    rank = Window(
        RowNumber(),
        partition_by=F("customer_id"),
        order_by=[F("paid").desc(), F("due").desc(), F("pk").desc()],
    )
    return rows.annotate(rank=rank).filter(rank__lte=count)


def _records(rows: QuerySet) -> list[PaidRecord]:
    picked = rows.values_list("customer_id", "due", "paid")
    return [PaidRecord(customer=c, due_date=due, paid_on=paid) for c, due, paid in picked]


def paid_history(
    company: Company, as_of: date, customer_ids=None, count: int = HISTORY_COUNT
) -> list[PaidRecord]:
    """Each customer's `count` invoices most recently paid in full by as_of, within the
    `HISTORY_DAYS` before it (2 queries, one with a subquery)."""
    since = as_of - timedelta(days=HISTORY_DAYS)
    # Invoices whose settlements at as_of were undone since: the caches say nothing of
    # then, so their state then is rebuilt from the allocations.
    # (In force at as_of and undone since is undone after as_of, dated by it: a range on
    # the partial index of undone allocations, whatever the number of allocations.)
    changed = (
        Allocation.objects.for_company(company)
        .filter(date__lte=as_of, undone_on__gt=as_of)
        .order_by()
        .values("invoice_id")
    )
    # The others are paid today exactly as they were at as_of when the cache says paid
    # on or before as_of: the allocations active now are those active then.
    unchanged = (
        _issued_by(company, as_of, customer_ids)
        .filter(status=Invoice.PAID, paid_on__gt=since, paid_on__lte=as_of)
        .exclude(pk__in=changed)
        .annotate(paid=F("paid_on"))
    )
    active = _active(as_of)
    rebuilt = (
        _issued_by(company, as_of, customer_ids)
        .filter(pk__in=changed)
        .values("pk", "customer_id", "due", "total")
        .annotate(
            settled=Sum("allocations__amount", filter=active),
            credited=Coalesce(
                Sum(
                    "allocations__amount",
                    filter=active & Q(allocations__kind=Allocation.CREDIT_NOTE),
                ),
                Value(ZERO),
                output_field=_AMOUNT,
            ),
            paid=Max("allocations__date", filter=active),
            bad_debts=Count("allocations", filter=active & Q(allocations__bad_debt=True)),
        )
        .filter(settled=F("total"), paid__gt=since, bad_debts=0)
        .exclude(credited=F("total"))
    )
    records = _records(_ranked(unchanged, count)) + _records(rebuilt)
    recent = recent_history(records, as_of, count)
    return [record for records in recent.values() for record in records]
