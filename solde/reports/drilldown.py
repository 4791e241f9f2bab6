"""The invoices behind a figure of the aged balance, with their balances at that date.

A figure of `queries.aging` (a bucket, the overdue part, the total; for the company, a
customer or a segment) is Σ of open balances at the end of `as_of`. `open_invoices` lists
the invoices behind it, each with its balance *at that date* (not today's), and
`open_total` sums them the way `queries.aging` does, so the list adds up to the figure.

Skipping settled invoices. An invoice whose stored `paid_on` (the date it was paid in full,
kept by `payments.services.refresh_invoice`) is on or before `as_of` had a zero balance at
the end of `as_of`: its current allocations are all dated by `paid_on` and none is undone,
so all were active then. Leaving those invoices out changes no sum and spares the
database the balance of every old settled invoice; the balance of each remaining one is
still computed from its allocations.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from solde.companies.models import Company
from solde.core.aging import DEFAULT_BOUNDARIES, Buckets
from solde.core.errors import ValidationError
from solde.core.money import ZERO, quantize
from solde.customers.models import Customer
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation
from solde.payments.queries import settled_subquery

# Besides the buckets' keys: every bucket past due at once (the "overdue" figure).
OVERDUE = "overdue"
_AMOUNT = DecimalField(max_digits=18, decimal_places=3)


def bucket_choices(boundaries: tuple[int, ...] = DEFAULT_BOUNDARIES) -> tuple[str, ...]:
    return (*Buckets(tuple(boundaries)).keys, OVERDUE)


def _due_range(as_of: date, bucket: str | None, boundaries) -> tuple[date | None, date | None]:
    """(earliest, latest) due date of a bucket, None for open-ended: days past due
    = as_of − due, so days from `low` to `high` are due dates from as_of − high to
    as_of − low (the same edges as the CASE WHEN of queries.aging)."""
    if bucket is None:
        return None, None
    if bucket == OVERDUE:
        return None, as_of - timedelta(days=1)
    for key, low, high in Buckets(tuple(boundaries)).bounds():
        if key == bucket:
            earliest = None if high is None else as_of - timedelta(days=high)
            latest = None if low is None else as_of - timedelta(days=low)
            return earliest, latest
    choices = ", ".join(bucket_choices(boundaries))
    raise ValidationError(f"Unknown bucket {bucket!r} (one of {choices}).", field="bucket")


def _conditions(company, as_of, bucket, customer, segment, boundaries, prefix: str = "") -> Q:
    """What puts an invoice behind the figure, on Invoice (prefix "") or through
    Allocation.invoice (prefix "invoice__"); filters on the `due` alias. The company
    comes from the company-scoped querysets the conditions are applied to."""
    p = prefix
    q = Q(
        **{
            f"{p}state": Invoice.ISSUED,
            f"{p}issue_date__lte": as_of,
            f"{p}currency": company.currency,  # one currency per report, as queries.aging
        }
    ) & ~Q(**{f"{p}kind": Invoice.CREDIT_NOTE})
    q &= Q(**{f"{p}paid_on__isnull": True}) | Q(**{f"{p}paid_on__gt": as_of})
    earliest, latest = _due_range(as_of, bucket, boundaries)
    if earliest is not None:
        q &= Q(due__gte=earliest)
    if latest is not None:
        q &= Q(due__lte=latest)
    if customer is not None:
        q &= Q(**{f"{p}customer": customer})
    if segment is not None:
        q &= Q(**{f"{p}customer__segment": segment})
    return q


def open_invoices(
    *,
    company: Company,
    as_of: date,
    bucket: str | None = None,
    customer: Customer | None = None,
    segment: str | None = None,
    boundaries: tuple[int, ...] = DEFAULT_BOUNDARIES,
) -> QuerySet[Invoice]:
    """Invoices with a balance at the end of `as_of` in `bucket` (a key of the buckets,
    "overdue", or None for all), optionally of one customer or one segment ("" = none).

    Each row is annotated with `balance_as_of` (total − allocations active at `as_of`, one
    correlated sum per listed row, computed by the database) and `due`; oldest due first.
    Slice it (a page) before reading: nothing here loads every invoice.
    """
    q = _conditions(company, as_of, bucket, customer, segment, boundaries)
    return (
        Invoice.objects.for_company(company)
        .alias(due=Coalesce("due_date", "issue_date"))
        .filter(q)
        .annotate(due_on=F("due"), settled_as_of=settled_subquery(as_of))
        .annotate(balance_as_of=F("total") - F("settled_as_of"))
        .exclude(balance_as_of=Value(ZERO, output_field=_AMOUNT))
        .select_related("customer")
        .order_by("due_on", "id")
    )


def open_total(
    *,
    company: Company,
    as_of: date,
    bucket: str | None = None,
    customer: Customer | None = None,
    segment: str | None = None,
    boundaries: tuple[int, ...] = DEFAULT_BOUNDARIES,
) -> Decimal:
    """Σ balances at `as_of` of `open_invoices(...)`: Σ totals − Σ active allocations,
    two aggregates like queries.aging (no per-invoice subquery)."""
    args = (company, as_of, bucket, customer, segment, boundaries)
    totals = (
        Invoice.objects.for_company(company)
        .alias(due=Coalesce("due_date", "issue_date"))
        .filter(_conditions(*args))
        .aggregate(s=Sum("total"))["s"]
    )
    settled = (
        Allocation.objects.for_company(company)
        .active_on(as_of)
        .alias(due=Coalesce("invoice__due_date", "invoice__issue_date"))
        .filter(_conditions(*args, prefix="invoice__"))
        .aggregate(s=Sum("amount"))["s"]
    )
    return quantize((totals or ZERO) - (settled or ZERO), company.currency)
