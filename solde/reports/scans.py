"""The building blocks of the figures: open balances at a day, read only where they may be.

An open balance at the end of day D is the invoice's total − its allocations active at D
(docs.md), so for any set of invoices, Σ open balances = Σ totals − Σ active allocations
of those invoices. Invoices paid in full by D (and not reopened since) have a balance of
exactly zero then: `payments.queries.maybe_open_on` leaves them out, so `balance_rows`
reads only the invoices that may be open at D and their allocations, two queries through
the `(company, paid_on)` and undone-allocation indexes, whatever the number of paid ones.

A *condition* names a subset of those receivables (None: all of them) by a Q on the
invoice's fields. The allocation query needs the invoice only for the conditions: an
allocation is always on an issued invoice or deposit, for its customer, in its currency,
dated on or after its issue date (payments.services, the imports and the bank batches
write them so). Larger sets are derived by difference (overdue = receivables − not due;
doubtful = receivables − recent and undisputed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce

from solde.companies.models import Company
from solde.core.errors import ValidationError
from solde.core.money import ZERO, quantize
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation
from solde.payments.queries import balance_on, maybe_open_on
from solde.reminders.models import Dispute

RECEIVABLE = ~Q(kind=Invoice.CREDIT_NOTE)  # invoices and deposits; credit notes are credit

# Named subsets of the receivables (None: all of them): a condition on the invoice's
# fields, given the prefix that reaches the invoice ("" or "invoice__").
Conditions = dict[str, Callable[[str], Q] | None]


def due() -> Coalesce:
    """An invoice's due date, or its issue date when it has none (as queries.aging)."""
    return Coalesce("due_date", "issue_date")


def invoices(company: Company, as_of: date) -> QuerySet:
    """Issued documents in the company's currency dated by as_of (credit notes too, for
    the sales)."""
    return (
        Invoice.objects.for_company(company)
        .issued()
        .filter(currency=company.currency, issue_date__lte=as_of)
    )


def due_from(day: date, prefix: str = "") -> Q:
    """Invoices due on `day` or later (the issue date standing for a missing due date),
    in a form the (company, due_date) index can answer; `prefix` "invoice__" says it of
    an allocation's invoice."""
    return Q(**{f"{prefix}due_date__gte": day}) | Q(
        **{f"{prefix}due_date__isnull": True, f"{prefix}issue_date__gte": day}
    )


def disputed_at(company: Company, day: date, prefix: str = "") -> Q:
    """Invoices with a dispute open at the end of `day`: opened by then, not resolved."""
    disputes = (
        Dispute.objects.for_company(company)
        .filter(opened_on__lte=day)
        .filter(Q(resolved_on__isnull=True) | Q(resolved_on__gt=day))
        .values("invoice_id")
    )
    return Q(**{f"{prefix}pk__in": disputes})


def _open_invoices(company: Company, day: date) -> QuerySet:
    """Receivables in the company's currency issued by `day` that may be open then."""
    return invoices(company, day).filter(RECEIVABLE).filter(maybe_open_on(company, day))


def _open_allocations(company: Company, day: date) -> QuerySet:
    """The allocations active at `day` of the invoices that may be open then."""
    return (
        Allocation.objects.for_company(company)
        .filter(currency=company.currency)
        .active_on(day)
        .filter(maybe_open_on(company, day, through="invoice"))
    )


def _grouped(queryset: QuerySet, sums: dict, group: str | None) -> dict:
    """{group value (None without a group): {name: sum}}."""
    if group is None:
        return {None: queryset.aggregate(**sums)}
    rows = queryset.order_by().values(group).annotate(**sums)
    return {row[group]: row for row in rows}


def balance_rows(
    company: Company, day: date, conditions: Conditions, group: str | None = None
) -> dict:
    """Σ open balances at the end of `day` per condition, as {None: {name: amount}} or,
    grouped by a field both tables have (`customer_id`), one such dict per value with a
    receivable. 1 query on PostgreSQL, 2 on SQLite."""
    cur = company.currency
    if connection.vendor == "postgresql":
        # Each invoice that may be open less its allocations then, through the (invoice,
        # date) index: PostgreSQL joins the tables by hashing every row of both.
        left = _open_invoices(company, day).annotate(left=balance_on(day))
        sums = {
            name: Sum("left", filter=cond("") if cond else Q()) for name, cond in conditions.items()
        }
        rows = _grouped(left, sums, group)
        return {
            key: {name: quantize(row.get(name) or ZERO, cur) for name in conditions}
            for key, row in rows.items()
        }
    totals = {
        name: Sum("total", filter=cond("") if cond else Q()) for name, cond in conditions.items()
    }
    # The allocations' conditions are said of their invoice, joined: an id list instead
    # could hold most invoices at a past date, which PostgreSQL rescans row by row.
    settled = {
        name: Sum("amount", filter=cond("invoice__") if cond else Q())
        for name, cond in conditions.items()
    }
    invoice = _grouped(_open_invoices(company, day), totals, group)
    allocation = _grouped(_open_allocations(company, day), settled, group)
    return {
        key: {
            name: quantize(
                (row.get(name) or ZERO) - (allocation.get(key, {}).get(name) or ZERO), cur
            )
            for name in conditions
        }
        for key, row in invoice.items()
    }


def balances(company: Company, day: date, conditions: Conditions) -> dict[str, Decimal]:
    """Σ open balances at the end of `day` per condition, for the whole company."""
    return balance_rows(company, day, conditions)[None]


def balances_on(company: Company, wanted: dict[date, Conditions]) -> dict[date, dict]:
    """`balances` at several days: on PostgreSQL one query over the invoices that may be
    open at the earliest day (they include those of the later days), each invoice's balance
    at a day computed only where it may be open then."""
    if connection.vendor != "postgresql" or len(wanted) < 2:
        return {day: balances(company, day, conditions) for day, conditions in wanted.items()}
    days = sorted(wanted)
    rows = invoices(company, days[-1]).filter(RECEIVABLE).filter(maybe_open_on(company, days[0]))
    sums = {}
    for n, day in enumerate(days):
        open_then = Q(issue_date__lte=day) & maybe_open_on(company, day)
        left = When(open_then, then=balance_on(day))
        rows = rows.annotate(**{f"left{n}": Case(left, default=None, output_field=DecimalField())})
        for name, cond in wanted[day].items():
            sums[f"d{n}_{name}"] = Sum(f"left{n}", filter=cond("") if cond else Q())
    found = rows.aggregate(**sums)
    cur = company.currency
    return {
        day: {name: quantize(found[f"d{n}_{name}"] or ZERO, cur) for name in wanted[day]}
        for n, day in enumerate(days)
    }


def signed_total() -> Case:
    """A document's total, negated for a credit note: net sales."""
    return Case(When(kind=Invoice.CREDIT_NOTE, then=-F("total")), default=F("total"))


def check_positive(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(f"{field} must be a whole number of at least 1.", field=field)
    return value
