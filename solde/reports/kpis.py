"""Receivables and collection figures at the end of any day, aggregated by the database.

Balances follow the as-of definition of `queries.aging` (docs.md). Every figure is a
conditional SUM over one scan of the invoices and one of their allocations (`scans`),
so the number of queries is fixed whatever the number of invoices:

- `summary`: 3 queries (invoices, allocations, payments for the credit);
- `kpis`: the same 3, the invoices grouped by month for the count-back DSO;
- `customer_stats`: 2 queries, grouped by customer;
- `dso_trend` (`trend.py`): 3 queries grouped by day, whatever the number of months.

The formulas are `solde.core.kpis`'; the database only counts and sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from solde.companies.models import Company
from solde.core import kpis as formulas
from solde.core.money import ZERO, quantize, round_to
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation, Payment
from solde.reports import scans
from solde.reports.scans import RECEIVABLE, Measures
from solde.reports.sql import DaysBetween, MonthOf
from solde.reports.trend import TrendPoint, dso_trend

DSO_DAYS = formulas.DSO_DAYS

__all__ = [
    "CustomerStats",
    "Kpis",
    "Summary",
    "TrendPoint",
    "customer_stats",
    "dso_trend",
    "kpis",
    "summary",
]


@dataclass(frozen=True, slots=True)
class Summary:
    """What the company is owed at the end of `as_of` (amounts in `currency`)."""

    as_of: date
    currency: str
    receivables: Decimal  # open balances of invoices and deposits = not_due + overdue
    not_due: Decimal
    overdue: Decimal
    disputed: Decimal  # of the receivables, invoices with a dispute open at as_of
    credit: Decimal  # customer credit, reported apart, never netted


@dataclass(frozen=True, slots=True)
class Kpis:
    """The collection figures at the end of `as_of`, over the `days` days ending on it.

    Amounts are Decimal in `currency`; the other figures are `core.kpis`' (days with 1
    decimal, percentages and ratios with 2) or None where undefined.
    """

    as_of: date
    currency: str
    days: int
    receivables: Decimal
    not_due: Decimal
    overdue: Decimal
    disputed: Decimal
    credit: Decimal
    doubtful: Decimal  # disputed at as_of or more than 90 days past due
    opening: Decimal  # receivables at the end of the day before the window
    invoiced: Decimal  # over the window, tax included, net of credit notes
    dso: Decimal | None
    count_back_dso: Decimal | None
    best_possible_dso: Decimal | None
    cei: Decimal | None
    turnover: Decimal | None
    invoices_paid: int  # paid in full within the window
    on_time_rate: Decimal | None
    average_days_to_pay: Decimal | None
    average_days_late: Decimal | None
    doubtful_ratio: Decimal | None


@dataclass(frozen=True, slots=True)
class CustomerStats:
    """One customer's payment behaviour and what it owes at as_of."""

    invoices_paid: int
    average_days_to_pay: Decimal | None
    average_days_late: Decimal | None
    on_time_rate: Decimal | None
    balance: Decimal
    overdue: Decimal


def _position(company: Company, as_of: date) -> Measures:
    """Every receivable, the not yet due and the disputed (the latter two small sets:
    the allocation scan checks its rows against them)."""
    return {
        "receivables": (None, as_of),
        "not_due": (scans.due_from(as_of), as_of),  # days past due <= 0
        "disputed": (scans.disputed_at(company, as_of), as_of),
    }


def _sound(company: Company, as_of: date) -> tuple[Q, date]:
    """Receivables neither disputed nor more than 90 days past due: a small set, whose
    complement is the doubtful (core.kpis.doubtful_ratio's condition)."""
    recent = scans.due_from(as_of - timedelta(days=formulas.DOUBTFUL_AFTER_DAYS))
    return recent & ~scans.disputed_at(company, as_of), as_of


# --- customer credit -----------------------------------------------------------------

_CREDIT_NOTES = {"credit_notes": Sum("total", filter=Q(kind=Invoice.CREDIT_NOTE))}


def _credit_used(as_of: date) -> dict:
    used = scans.active_on(as_of) & ~Q(kind=Allocation.WRITE_OFF)
    return {"credit_used": Sum("amount", filter=used)}


def _credit(company: Company, as_of: date, invoice: dict, allocation: dict) -> Decimal:
    """Customer credit as `payments.queries.customer_balances` defines it (so as
    `queries.aging` reports it), for the whole company: customers' payments dated by
    as_of and not cancelled by then + credit notes issued − their allocations active."""
    paid = (
        Payment.objects.for_company(company)
        .filter(currency=company.currency, customer__isnull=False, date__lte=as_of)
        .filter(Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=as_of))
        .aggregate(s=Sum("amount"))["s"]
    )
    used = allocation["credit_used"] or ZERO
    return quantize((paid or ZERO) + (invoice["credit_notes"] or ZERO) - used, company.currency)


# --- paid invoices -------------------------------------------------------------------


def _paid(as_of: date, start: date | None) -> dict:
    """Counts and day sums over the invoices paid in full (status "paid": neither
    cancelled by credit notes nor written off) on a day in [start, as_of]. `paid_on` is
    the date of the last allocation in force; docs.md says when that cache is exact."""
    paid = RECEIVABLE & Q(status=Invoice.PAID, paid_on__lte=as_of)
    if start is not None:
        paid &= Q(paid_on__gte=start)
    return {
        "paid": Count("pk", filter=paid),
        "on_time": Count("pk", filter=paid & Q(paid_on__lte=scans.due())),
        "days_to_pay": Sum(DaysBetween("paid_on", "issue_date"), filter=paid),
        "days_late": Sum(
            DaysBetween("paid_on", scans.due()), filter=paid & Q(paid_on__gt=scans.due())
        ),
    }


def _mean_days(total: int | None, count: int) -> Decimal | None:
    """core.kpis' mean of day counts (1 decimal, half up), from the database's sum."""
    if not count:
        return None
    return round_to(Decimal(total or 0) / count, 1)


def _behaviour(row: dict) -> dict:
    """core.kpis.on_time_rate, average_days_to_pay and average_days_late, computed from
    one row of `_paid` counts and sums rather than from a list of invoices."""
    count = row["paid"] or 0
    return {
        "on_time_rate": formulas.share(Decimal(row["on_time"] or 0), Decimal(count)),
        "average_days_to_pay": _mean_days(row["days_to_pay"], count),
        "average_days_late": _mean_days(row["days_late"], count),
    }


# --- public figures ------------------------------------------------------------------


def summary(company: Company, as_of: date) -> Summary:
    """Receivables, not due, overdue, disputed and customer credit at the end of as_of."""
    measures = _position(company, as_of)
    (invoice,) = scans.rows(
        scans.invoices(company, as_of), {**scans.invoice_side(measures), **_CREDIT_NOTES}
    )
    (allocation,) = scans.rows(
        scans.allocations(company, as_of),
        {**scans.allocation_side(company, measures), **_credit_used(as_of)},
    )
    open_ = scans.balances(invoice, allocation, measures, company.currency)
    return Summary(
        as_of=as_of,
        currency=company.currency,
        receivables=open_["receivables"],
        not_due=open_["not_due"],
        overdue=open_["receivables"] - open_["not_due"],
        disputed=open_["disputed"],
        credit=_credit(company, as_of, invoice, allocation),
    )


def _sales_periods(months: list[dict], as_of: date, currency: str) -> list[formulas.SalesPeriod]:
    """Calendar months from as_of's back to the first with an invoice, newest first."""
    sales = {row["group"]: row["sales"] or ZERO for row in months}
    if not sales:
        return []
    first = date.fromisoformat(f"{min(sales)}-01")
    count = (as_of.year - first.year) * 12 + as_of.month - first.month + 1
    return [
        formulas.SalesPeriod(start, end, quantize(sales.get(f"{start:%Y-%m}", ZERO), currency))
        for start, end in formulas.month_periods(as_of, count)
    ]


def _add_up(rows: list[dict], names) -> dict:
    """The month rows' sums added up (a few dozen rows, one per month)."""
    return {name: sum((row[name] or 0 for row in rows), 0) for name in names}


def kpis(company: Company, as_of: date, days: int = DSO_DAYS) -> Kpis:
    """Every collection figure at the end of as_of, over the `days` days ending on it
    (core.kpis.dso_window); the opening receivables are those of the day before."""
    scans.check_positive(days, "days")
    cur = company.currency
    start, _ = formulas.dso_window(as_of, days)
    opening = start - timedelta(days=1)
    measures = {
        **_position(company, as_of),
        "sound": _sound(company, as_of),
        "opening": (None, opening),
    }
    sums = {
        **scans.invoice_side(measures),
        **_CREDIT_NOTES,
        **_paid(as_of, start),
        "invoiced": Sum(scans.signed_total(), filter=Q(issue_date__gte=start)),
        "sales": Sum(scans.signed_total()),
    }
    months = scans.rows(scans.invoices(company, as_of), sums, group=MonthOf("issue_date"))
    invoice = _add_up(months, sums)
    (allocation,) = scans.rows(
        scans.allocations(company, as_of),
        {**scans.allocation_side(company, measures), **_credit_used(as_of)},
    )
    open_ = scans.balances(invoice, allocation, measures, cur)
    receivables, not_due = open_["receivables"], open_["not_due"]
    invoiced = quantize(Decimal(invoice["invoiced"]), cur)
    periods = _sales_periods(months, as_of, cur)
    return Kpis(
        as_of=as_of,
        currency=cur,
        days=days,
        receivables=receivables,
        not_due=not_due,
        overdue=receivables - not_due,
        disputed=open_["disputed"],
        credit=_credit(company, as_of, invoice, allocation),
        doubtful=receivables - open_["sound"],
        opening=open_["opening"],
        invoiced=invoiced,
        dso=formulas.dso(receivables, invoiced, days),
        count_back_dso=formulas.count_back_dso(receivables, periods),
        best_possible_dso=formulas.best_possible_dso(not_due, invoiced, days),
        cei=formulas.cei(open_["opening"], invoiced, receivables, not_due),
        turnover=formulas.receivables_turnover(invoiced, (open_["opening"], receivables)),
        invoices_paid=invoice["paid"],
        # core.kpis.doubtful_ratio's formula over the sums; its condition is in _sound.
        doubtful_ratio=formulas.share(receivables - open_["sound"], receivables),
        **_behaviour(invoice),
    )


def customer_stats(
    company: Company, as_of: date, start: date | None = None
) -> dict[int, CustomerStats]:
    """Per customer id: the invoices paid in full in [start, as_of] (since the first day
    when start is None) and how, and the open and overdue balances at as_of. Customers
    with neither a paid invoice nor a balance are left out."""
    measures = {"balance": (None, as_of), "not_due": (scans.due_from(as_of), as_of)}
    invoices = scans.rows(
        scans.invoices(company, as_of),
        {**scans.invoice_side(measures), **_paid(as_of, start)},
        group=F("customer_id"),
    )
    allocations = scans.rows(
        scans.allocations(company, as_of),
        scans.allocation_side(company, measures),
        group=F("customer_id"),
    )
    settled = {row["group"]: row for row in allocations}
    stats = {}
    for row in invoices:  # one row per customer
        open_ = scans.balances(row, settled.get(row["group"], {}), measures, company.currency)
        if row["paid"] or open_["balance"]:
            stats[row["group"]] = CustomerStats(
                invoices_paid=row["paid"],
                balance=open_["balance"],
                overdue=open_["balance"] - open_["not_due"],
                **_behaviour(row),
            )
    return stats
