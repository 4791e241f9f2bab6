"""Receivables and collection figures at the end of any day, aggregated by the database.

Balances follow the as-of definition of `queries.aging` (docs.md) and read only the
invoices that may be open at the date (`scans.balance_rows`); the other figures read an
index range (issued in the window, paid in it, the last year's months). The number of
queries is fixed whatever the number of invoices:

- `summary`: 7 (2 for the balances, 5 for the customer credit);
- `kpis`: 12 (the balances at as_of and at the window's eve, the invoiced, the paid
  invoices, the last months' sales for the count-back DSO, the credit); one more when
  the receivables outlast those months' sales;
- `customer_stats`: 3, grouped by customer;
- `dso_trend` (`trend.py`): 3 queries grouped by day, whatever the number of months.

The formulas are `solde.core.kpis`'; the database only counts and sums.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.db.models import Count, Q, QuerySet, Sum

from solde.companies.models import Company
from solde.core import kpis as formulas
from solde.core.money import ZERO, quantize, round_to
from solde.invoicing.models import Invoice
from solde.payments.queries import customer_credits
from solde.reports import scans
from solde.reports.scans import RECEIVABLE, Conditions
from solde.reports.sql import DaysBetween, MonthOf
from solde.reports.trend import TrendPoint, dso_trend

DSO_DAYS = formulas.DSO_DAYS
COUNT_BACK_MONTHS = 4  # read first; the rest only when the receivables outlast them

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


def _position(company: Company, as_of: date) -> Conditions:
    """Every receivable, the not yet due and the disputed."""
    return {
        "receivables": None,
        "not_due": partial(scans.due_from, as_of),  # days past due <= 0
        "disputed": partial(scans.disputed_at, company, as_of),
    }


def _sound(company: Company, as_of: date) -> Callable[[str], Q]:
    """Receivables neither disputed nor more than 90 days past due, whose complement is
    the doubtful (core.kpis.doubtful_ratio's condition)."""
    recent = as_of - timedelta(days=formulas.DOUBTFUL_AFTER_DAYS)

    def sound(prefix: str) -> Q:
        return scans.due_from(recent, prefix) & ~scans.disputed_at(company, as_of, prefix)

    return sound


def _credit(company: Company, as_of: date) -> Decimal:
    """Customer credit as the aged balance reports it (`customer_credits`, 5 queries)."""
    credits = customer_credits(company, as_of).values()
    return quantize(sum(credits, ZERO), company.currency)


# --- paid invoices -------------------------------------------------------------------


def _paid(company: Company, as_of: date, start: date | None) -> QuerySet:
    """The invoices and deposits paid in full (status "paid": neither cancelled by credit
    notes nor written off) on a day in [start, as_of], a range of the (company, paid_on)
    index. `paid_on` is the date of the last allocation in force; docs.md says when that
    cache is exact."""
    paid = scans.invoices(company, as_of).filter(RECEIVABLE, status=Invoice.PAID)
    return paid.filter(paid_on__lte=as_of, paid_on__gte=start or date.min)


_PAID_SUMS = {
    "paid": Count("pk"),
    "on_time": Count("pk", filter=Q(paid_on__lte=scans.due())),
    "days_to_pay": Sum(DaysBetween("paid_on", "issue_date")),
    "days_late": Sum(DaysBetween("paid_on", scans.due()), filter=Q(paid_on__gt=scans.due())),
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
    open_ = scans.balances(company, as_of, _position(company, as_of))
    return Summary(
        as_of=as_of,
        currency=company.currency,
        receivables=open_["receivables"],
        not_due=open_["not_due"],
        overdue=open_["receivables"] - open_["not_due"],
        disputed=open_["disputed"],
        credit=_credit(company, as_of),
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


def _months(company: Company, as_of: date, since: date, before: date | None = None) -> list:
    """Net sales per calendar month of the invoices issued from `since` to as_of (or to
    the day before `before`), a range of the (company, issue_date) index."""
    rows = scans.invoices(company, as_of).filter(issue_date__gte=since)
    if before is not None:
        rows = rows.filter(issue_date__lt=before)
    months = rows.annotate(group=MonthOf("issue_date")).order_by().values("group")
    return list(months.annotate(sales=Sum(scans.signed_total())))


def _count_back(company: Company, as_of: date, receivables: Decimal) -> Decimal | None:
    """The count-back DSO from the last few months' sales, and the months before them
    only when the receivables outlast those (one more query)."""
    cur = company.currency
    recent = formulas.month_periods(as_of, COUNT_BACK_MONTHS)[-1][0]
    months = _months(company, as_of, recent)
    found = formulas.count_back_dso(receivables, _sales_periods(months, as_of, cur))
    if found is None:
        months += _months(company, as_of, date.min, before=recent)
        found = formulas.count_back_dso(receivables, _sales_periods(months, as_of, cur))
    return found


def kpis(company: Company, as_of: date, days: int = DSO_DAYS) -> Kpis:
    """Every collection figure at the end of as_of, over the `days` days ending on it
    (core.kpis.dso_window); the opening receivables are those of the day before."""
    scans.check_positive(days, "days")
    cur = company.currency
    start, _ = formulas.dso_window(as_of, days)
    eve = start - timedelta(days=1)
    position = {**_position(company, as_of), "sound": _sound(company, as_of)}
    at = scans.balances_on(company, {as_of: position, eve: {"opening": None}})
    open_, opening = at[as_of], at[eve]["opening"]
    window = scans.invoices(company, as_of).filter(issue_date__gte=start)
    invoiced = quantize(window.aggregate(s=Sum(scans.signed_total()))["s"] or ZERO, cur)
    paid = _paid(company, as_of, start).aggregate(**_PAID_SUMS)
    receivables, not_due = open_["receivables"], open_["not_due"]
    return Kpis(
        as_of=as_of,
        currency=cur,
        days=days,
        receivables=receivables,
        not_due=not_due,
        overdue=receivables - not_due,
        disputed=open_["disputed"],
        credit=_credit(company, as_of),
        doubtful=receivables - open_["sound"],
        opening=opening,
        invoiced=invoiced,
        dso=formulas.dso(receivables, invoiced, days),
        count_back_dso=_count_back(company, as_of, receivables),
        best_possible_dso=formulas.best_possible_dso(not_due, invoiced, days),
        cei=formulas.cei(opening, invoiced, receivables, not_due),
        turnover=formulas.receivables_turnover(invoiced, (opening, receivables)),
        invoices_paid=paid["paid"],
        # core.kpis.doubtful_ratio's formula over the sums; its condition is in _sound.
        doubtful_ratio=formulas.share(receivables - open_["sound"], receivables),
        **_behaviour(paid),
    )


def customer_stats(
    company: Company, as_of: date, start: date | None = None
) -> dict[int, CustomerStats]:
    """Per customer id: the invoices paid in full in [start, as_of] (since the first day
    when start is None) and how, and the open and overdue balances at as_of. Customers
    with neither a paid invoice nor a balance are left out (3 queries)."""
    conditions = {"balance": None, "not_due": partial(scans.due_from, as_of)}
    open_ = scans.balance_rows(company, as_of, conditions, group="customer_id")
    paid = _paid(company, as_of, start).order_by().values("customer_id").annotate(**_PAID_SUMS)
    paid = {row["customer_id"]: row for row in paid}
    stats = {}
    none = dict.fromkeys(_PAID_SUMS, 0)
    zero = dict.fromkeys(conditions, ZERO)
    for customer in set(open_) | set(paid):
        row, balances = paid.get(customer, none), open_.get(customer, zero)
        if row["paid"] or balances["balance"]:
            stats[customer] = CustomerStats(
                invoices_paid=row["paid"],
                balance=balances["balance"],
                overdue=balances["balance"] - balances["not_due"],
                **_behaviour(row),
            )
    return stats
