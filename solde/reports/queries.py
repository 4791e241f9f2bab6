"""The aged balance (balance âgée) at the end of any day, aggregated by the database.

An invoice's open balance at the end of day D is the one `payments.queries` defines:
its total − its allocations active at D (payments, credit notes applied, write-offs dated
by D and not undone by D), for invoices and deposits issued by D. It is aged by its days
past due at D (D − due date, the issue date when no due date): 0 or fewer is "not_due".

Because an invoice's bucket depends only on its due date, Σ balances per bucket =
Σ totals per bucket − Σ active allocations per bucket: two GROUP BY queries with the same
CASE WHEN on the due date, one over invoices and one over allocations joined to their
invoice. No per-invoice subquery, no Python loop over invoices.

Customer credit (unallocated payments, credit notes not applied) comes from
`payments.queries.customer_balances`, the same definition as `solde balance`; it is
reported beside the buckets, never netted into them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Case, CharField, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from solde.companies.models import Company
from solde.core.aging import DEFAULT_BOUNDARIES, Buckets
from solde.core.errors import ValidationError
from solde.core.money import ZERO, quantize
from solde.customers.models import Customer
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation
from solde.payments.queries import balance_on, customer_credits, maybe_open_on

BY_CUSTOMER, BY_SEGMENT = "customer", "segment"


@dataclass(frozen=True, slots=True)
class AgingRow:
    """One customer (code, name) or one segment (code = name = the segment, "" if none)."""

    code: str
    name: str
    buckets: dict[str, Decimal]
    credit: Decimal

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)


@dataclass(frozen=True, slots=True)
class Aging:
    as_of: date
    currency: str
    labels: tuple[str, ...]
    buckets: dict[str, Decimal]
    credit: Decimal
    rows: tuple[AgingRow, ...]
    # Receivables in currencies other than the company's: left out of the buckets and
    # rows (one currency per report), given here as one total per currency.
    other_currencies: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)


def bucket_labels(boundaries: tuple[int, ...] = DEFAULT_BOUNDARIES) -> tuple[str, ...]:
    """(30, 60, 90) → not_due, 1_30, 31_60, 61_90, over_90 (core.aging.Buckets, which
    refuses boundaries that are not whole, positive and increasing)."""
    return Buckets(tuple(boundaries)).keys


def _bucket(as_of: date, boundaries, labels) -> Case:
    """CASE WHEN on the `due` alias: days past due = as_of − due, so a bucket "a_b" holds
    due dates from as_of − b to as_of − a. Date parameters only, so SQLite and PostgreSQL
    run the same SQL."""
    whens = [When(due__gte=as_of, then=Value(labels[0]))]
    for high, label in zip(boundaries, labels[1:], strict=False):
        whens.append(When(due__gte=as_of - timedelta(days=high), then=Value(label)))
    return Case(*whens, default=Value(labels[-1]), output_field=CharField())


def _group_key(by: str | None) -> str | None:
    if by is None:
        return None
    if by == BY_CUSTOMER:
        return "customer_id"
    if by == BY_SEGMENT:
        return "customer__segment"
    raise ValidationError(f"Aging by {by!r}: customer, segment or none.", field="by")


def _grouped(rows: QuerySet, key: str | None, currency: str, amount: str) -> list[dict]:
    fields = [currency, "bucket"] + ([key] if key else [])
    return list(rows.order_by().values(*fields).annotate(s=Sum(amount)))


def _sums(company: Company, as_of: date, boundaries, labels, by) -> dict:
    """{(currency, group): {bucket: Σ open balance}} from one GROUP BY query (PostgreSQL)
    or two (SQLite)."""
    invoices = (
        Invoice.objects.for_company(company)
        .receivable()
        .filter(issue_date__lte=as_of)
        .filter(maybe_open_on(company, as_of))
        .alias(due=Coalesce("due_date", "issue_date"))
        .annotate(bucket=_bucket(as_of, boundaries, labels))
    )
    sums: dict = defaultdict(lambda: dict.fromkeys(labels, ZERO))
    key = _group_key(by)
    if connection.vendor == "postgresql":
        # Each invoice that may be open less its allocations then, through the (invoice,
        # date) index: PostgreSQL joins the tables by hashing every row of both.
        left = invoices.alias(left=balance_on(as_of))
        for row in _grouped(left, key, "currency", "left"):
            sums[(row["currency"], row.get(key))][row["bucket"]] += row["s"] or ZERO
        return sums
    allocations = (
        Allocation.objects.for_company(company)
        .active_on(as_of)
        .filter(invoice__state=Invoice.ISSUED, invoice__issue_date__lte=as_of)
        .exclude(invoice__kind=Invoice.CREDIT_NOTE)
        .filter(maybe_open_on(company, as_of, through="invoice"))
        .alias(due=Coalesce("invoice__due_date", "invoice__issue_date"))
        .annotate(bucket=_bucket(as_of, boundaries, labels))
    )
    for row in _grouped(invoices, key, "currency", "total"):
        sums[(row["currency"], row.get(key))][row["bucket"]] += row["s"] or ZERO
    for row in _grouped(allocations, key, "invoice__currency", "amount"):
        sums[(row["invoice__currency"], row.get(key))][row["bucket"]] -= row["s"] or ZERO
    return sums


def _credits(company: Company, as_of: date, by, customers: dict) -> dict:
    """{group: customer credit in the company's currency} (customers' credit only)."""
    credits: dict = defaultdict(lambda: ZERO)
    for customer_id, credit in customer_credits(company, as_of).items():
        group = None
        if by == BY_CUSTOMER:
            group = customer_id
        elif by == BY_SEGMENT:
            group = customers[customer_id]["segment"]
        credits[group] += credit
    return credits


def _rows(sums: dict, credits: dict, by, currency: str, customers: dict) -> tuple[AgingRow, ...]:
    groups = {g for (cur, g) in sums if cur == currency} | set(credits)
    rows = []
    for group in groups:
        buckets = {k: quantize(v, currency) for k, v in sums[(currency, group)].items()}
        credit = quantize(credits.get(group, ZERO), currency)
        if not any(buckets.values()) and not credit:
            continue
        if by == BY_CUSTOMER:
            customer = customers[group]
            code, name = customer["code"], customer["name"]
        else:
            code = name = group or ""
        rows.append(AgingRow(code=code, name=name, buckets=buckets, credit=credit))
    return tuple(sorted(rows, key=lambda r: (r.code, r.name)))


def aging(
    *,
    company: Company,
    as_of: date,
    boundaries: tuple[int, ...] = DEFAULT_BOUNDARIES,
    by: str | None = BY_CUSTOMER,
) -> Aging:
    """The company's receivables at the end of `as_of`, aged, in its own currency.

    `by`: "customer" (rows of customer code and name), "segment" or None (totals only).
    Queries: 2 for the buckets, 5 for the credit (customer_credits), 1 for the names (with
    rows).
    """
    boundaries = tuple(boundaries)
    labels = bucket_labels(boundaries)
    _group_key(by)  # refuse an unknown grouping before querying
    currency = company.currency
    sums = _sums(company, as_of, boundaries, labels, by)
    customers = {}
    if by is not None:  # the names and segments, only for rows
        rows = Customer.objects.for_company(company).values("pk", "code", "name", "segment")
        customers = {c["pk"]: c for c in rows}
    credits = _credits(company, as_of, by, customers)
    company_buckets = dict.fromkeys(labels, ZERO)
    others: dict = defaultdict(lambda: ZERO)
    for (cur, _group), buckets in sums.items():
        for label, value in buckets.items():
            if cur == currency:
                company_buckets[label] += value
            else:
                others[cur] += value
    rows = _rows(sums, credits, by, currency, customers) if by else ()
    return Aging(
        as_of=as_of,
        currency=currency,
        labels=labels,
        buckets={k: quantize(v, currency) for k, v in company_buckets.items()},
        credit=quantize(sum(credits.values(), ZERO), currency),
        rows=rows,
        other_currencies={c: quantize(v, c) for c, v in sorted(others.items()) if v},
    )
