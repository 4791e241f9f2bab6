"""The DSO month by month, from three grouped queries whatever the number of months.

Receivables at the end of day D = Σ totals of receivables issued by D − Σ allocations
active at D. An allocation is active from its date (never before its invoice's issue
date: scans.py) until the day it is undone (exclusive), so

    active at D  ⟺  date <= D  and not  end <= D,   end = max(undone_on, date)

and Σ active at D = Σ amounts dated by D − Σ amounts ended by D. With the invoice
totals by issue day, the allocated amounts by day and the undone ones by end day, every
point is a cumulative sum; the net sales by issue day give the invoiced over the `days`
days to each point. Days before the first window are folded into one row.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate

from django.db.models import Case, DateField, F, QuerySet, Sum, Value, When
from django.db.models.functions import Greatest

from solde.companies.models import Company
from solde.core import kpis as formulas
from solde.core.money import ZERO, quantize
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation
from solde.reports import scans
from solde.reports.scans import RECEIVABLE


@dataclass(frozen=True, slots=True)
class TrendPoint:
    month_end: date  # a month's last day, or as_of for the last point
    receivables: Decimal
    invoiced: Decimal  # over the `days` days ending on month_end, net of credit notes
    dso: Decimal | None


class _Running:
    """Σ of per-day amounts up to any day, from {day: amount}."""

    def __init__(self, rows: list[dict], name: str = "s") -> None:
        pairs = sorted((row["day"], row[name] or ZERO) for row in rows)
        self.days = [day for day, _ in pairs]
        self.sums = list(accumulate((amount for _, amount in pairs), initial=ZERO))

    def upto(self, day: date) -> Decimal:
        return self.sums[bisect_right(self.days, day)]

    def between(self, first: date, last: date) -> Decimal:
        return self.upto(last) - self.upto(first - timedelta(days=1))


def _day(expression, floor: date) -> Case:
    """The day an amount counts from; days before `floor` all become floor − 1."""
    before = floor - timedelta(days=1)
    return Case(
        When(**{f"{expression}__lt": floor}, then=Value(before)),
        default=F(expression),
        output_field=DateField(),
    )


def _by_day(rows: QuerySet, expression: str, floor: date, **sums) -> list[dict]:
    grouped = rows.annotate(day=_day(expression, floor)).order_by().values("day")
    return list(grouped.annotate(**sums))


def month_ends(as_of: date, months: int) -> list[date]:
    """The last days of the `months` calendar months ending with as_of's, oldest first,
    as_of standing for its own month's end."""
    return [end for _, end in reversed(formulas.month_periods(as_of, months))]


def dso_trend(
    company: Company, as_of: date, months: int = 24, days: int = formulas.DSO_DAYS
) -> tuple[TrendPoint, ...]:
    """Receivables, invoiced over `days` days and DSO at each of `month_ends`, each equal
    to `kpis.summary` / `kpis.kpis` at that date."""
    scans.check_positive(months, "months")
    scans.check_positive(days, "days")
    cur = company.currency
    ends = month_ends(as_of, months)
    floor = formulas.dso_window(ends[0], days)[0]
    invoices = (
        Invoice.objects.for_company(company).issued().filter(currency=cur, issue_date__lte=as_of)
    )
    issued = _by_day(
        invoices,
        "issue_date",
        floor,
        receivable=Sum("total", filter=RECEIVABLE),
        sales=Sum(scans.signed_total()),
    )
    allocations = Allocation.objects.for_company(company).filter(currency=cur)
    started = _by_day(allocations.filter(date__lte=as_of), "date", floor, s=Sum("amount"))
    ended = _by_day(
        allocations.filter(undone_on__isnull=False)
        .alias(end=Greatest("undone_on", "date"))
        .filter(end__lte=as_of),
        "end",
        floor,
        s=Sum("amount"),
    )
    totals, sales = _Running(issued, "receivable"), _Running(issued, "sales")
    started, ended = _Running(started), _Running(ended)
    points = []
    for end in ends:
        receivables = quantize(totals.upto(end) - started.upto(end) + ended.upto(end), cur)
        invoiced = quantize(sales.between(*formulas.dso_window(end, days)), cur)
        points.append(
            TrendPoint(end, receivables, invoiced, formulas.dso(receivables, invoiced, days))
        )
    return tuple(points)
